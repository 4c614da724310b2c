//! Rule areas. Each area module lists its rules in `RULES`.

pub mod auth;
pub mod crypto;
pub mod injection;
pub mod meta;
pub mod secrets;
pub mod transport;

use crate::StructuralRule;
use rampart_core::RuleMeta;

/// Every structural rule, area by area.
pub static STRUCTURAL_AREAS: &[&[&dyn StructuralRule]] =
    &[crypto::RULES, secrets::RULES, transport::RULES, auth::RULES];

/// Rules that are not structural (taint rules, meta rules); their logic lives elsewhere.
pub static OTHER_RULES: &[&RuleMeta] = &[
    &meta::invalid_suppression::INVALID_SUPPRESSION,
    &injection::sql_injection::SQL_INJECTION,
    &injection::xss::XSS,
    &injection::log_injection::LOG_INJECTION,
    &injection::command_injection::COMMAND_INJECTION,
    &injection::path_traversal::PATH_TRAVERSAL,
    &injection::ssrf::SSRF,
    &injection::code_injection::CODE_INJECTION,
    &injection::open_redirect::OPEN_REDIRECT,
    &injection::unsafe_deserialization::UNSAFE_DESERIALIZATION,
    &injection::xxe::XXE,
    &injection::xpath_injection::XPATH_INJECTION,
    &injection::ldap_injection::LDAP_INJECTION,
    &injection::nosql_injection::NOSQL_INJECTION,
];
