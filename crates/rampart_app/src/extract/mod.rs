//! Per-file extraction of routes and protections from syntax trees, one module per language.

mod csharp;
mod go;
mod java;
mod javascript;
mod python;

use crate::model::FileFacts;
use rampart_core::{Language, Span};
use rampart_rules::{ast, FileContext};
use rampart_syntax::SourceFile;
use tree_sitter::Node;

/// The routes a file declares and the protections it installs.
pub fn extract(ctx: &FileContext<'_>) -> FileFacts {
    let mut facts = FileFacts {
        path: ctx.file.rel_path.clone(),
        ..FileFacts::default()
    };
    match ctx.language() {
        Language::Python => python::extract(ctx, &mut facts),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::extract(ctx, &mut facts)
        }
        Language::Java => java::extract(ctx, &mut facts),
        Language::CSharp => csharp::extract(ctx, &mut facts),
        Language::Go => go::extract(ctx, &mut facts),
        _ => {}
    }
    facts.creates_app = creates_app(ctx);
    facts
}

/// Calls that create an application or start a server.
const APP_CREATORS: &[&str] = &[
    "Flask",
    "FastAPI",
    "Quart",
    "Starlette",
    "execute_from_command_line",
    "get_wsgi_application",
    "get_asgi_application",
    "express",
    "Koa",
    "Fastify",
    "fastify",
    "Hono",
    "run",
    "CreateBuilder",
    "CreateDefaultBuilder",
    "Default",
    "NewRouter",
    "NewServeMux",
    "ListenAndServe",
    "create",
];

fn creates_app(ctx: &FileContext<'_>) -> bool {
    ctx.calls_named(|n| APP_CREATORS.contains(&n))
        .iter()
        .any(|c| {
            let path = c.path.as_deref().unwrap_or(&c.name);
            match c.name.as_str() {
                "run" => path.ends_with("SpringApplication.run"),
                "create" => path.ends_with("NestFactory.create"),
                "Default" => path == "gin.Default",
                "NewRouter" => path.starts_with("chi") || path.starts_with("mux"),
                "CreateBuilder" | "CreateDefaultBuilder" => {
                    path.starts_with("WebApplication") || path.starts_with("Host")
                }
                _ => true,
            }
        })
}

pub(crate) fn span(file: &SourceFile, node: Node<'_>) -> Span {
    file.span(node.start_byte(), node.end_byte())
}

/// The text of a node with whitespace collapsed, shortened for listings.
pub(crate) fn short(node: Node<'_>, src: &str) -> String {
    let t: String = ast::text(node, src)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if t.chars().count() > 80 {
        let cut: String = t.chars().take(77).collect();
        format!("{cut}...")
    } else {
        t
    }
}

/// Strings of a list literal (`["GET", "POST"]`), or the one string.
pub(crate) fn strings_in(node: Node<'_>, src: &str) -> Vec<String> {
    if let Some(s) = ast::string_value(node, src) {
        return vec![s];
    }
    ast::named_children(node)
        .into_iter()
        .filter_map(|c| ast::string_value(c, src))
        .collect()
}

/// Route-path parameters: Flask `<int:id>`, FastAPI/Spring `{id}`, Express `:id`.
pub(crate) fn path_params(path: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for seg in path.split('/') {
        if let Some(inner) = seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
            match inner.split_once(':') {
                Some((ty, name)) => out.push((name.to_string(), Some(ty.to_string()))),
                None => out.push((inner.to_string(), None)),
            }
        } else if let Some(inner) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let name = inner.split(':').next().unwrap_or(inner);
            out.push((name.to_string(), None));
        } else if let Some(name) = seg.strip_prefix(':') {
            out.push((name.trim_end_matches('?').to_string(), None));
        }
    }
    out
}

/// HTTP status codes that mean "not authenticated" or "forbidden".
pub(crate) fn is_denial_status(text: &str) -> bool {
    text.contains("401")
        || text.contains("403")
        || text.contains("UNAUTHORIZED")
        || text.contains("FORBIDDEN")
        || text.contains("Unauthorized")
        || text.contains("Forbidden")
}
