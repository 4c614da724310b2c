//! Human-readable diagnostics with code frames.
