pub mod insecure_cookie;
pub mod insecure_session_cookie;
pub mod tls_verification_disabled;

use crate::StructuralRule;

pub static RULES: &[&dyn StructuralRule] = &[
    &tls_verification_disabled::TlsVerificationDisabled,
    &insecure_cookie::InsecureCookie,
    &insecure_session_cookie::InsecureSessionCookie,
];
