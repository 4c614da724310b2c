//! The `rampart` command line: wires the stages together; no analysis lives here.

mod catalog;
mod cli;
mod progress;
mod scan;
mod walk;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
