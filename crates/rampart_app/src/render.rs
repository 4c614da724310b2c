//! `rampart routes`: the attack surface as a table or JSON.

use crate::model::AppModel;
use rampart_core::AuthState;

/// One line per route: method, path, handler, location, authentication, rate limit.
pub fn text(model: &AppModel) -> String {
    let mut out = format!(
        "{:<14} {:<40} {:<28} {:<10} {:<8} {}\n",
        "METHOD", "PATH", "HANDLER", "AUTH", "LIMITED", "LOCATION"
    );
    for r in &model.routes {
        let auth = match r.auth {
            AuthState::Required => "required",
            AuthState::Public => "public",
            AuthState::Unknown => "unknown",
        };
        out.push_str(&format!(
            "{:<14} {:<40} {:<28} {:<10} {:<8} {}:{}\n",
            r.methods.join("|"),
            r.path,
            r.handler,
            auth,
            if r.rate_limited { "yes" } else { "no" },
            r.file,
            r.line
        ));
        if let Some(e) = &r.auth_evidence {
            out.push_str(&format!("{:<14} auth: {e}\n", ""));
        }
        if let Some(e) = &r.rate_limit_evidence {
            out.push_str(&format!("{:<14} rate limit: {e}\n", ""));
        }
        if let Some(c) = &r.csrf {
            out.push_str(&format!("{:<14} csrf: {c}\n", ""));
        }
    }
    let public = model
        .routes
        .iter()
        .filter(|r| r.auth != AuthState::Required)
        .count();
    out.push_str(&format!(
        "{} routes, {} without authentication\n",
        model.routes.len(),
        public
    ));
    out
}

/// A JSON list of route objects.
pub fn json(model: &AppModel) -> String {
    serde_json::to_string_pretty(&model.routes).unwrap_or_else(|_| "[]".to_string()) + "\n"
}
