//! `/identity`: prelogin, registration, and the token endpoint.

pub mod prelogin;
pub mod register;
pub mod token;
