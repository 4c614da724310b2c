pub mod invalid_suppression;
