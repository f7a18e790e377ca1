//! What tests and benchmarks need and the product never does: scratch databases, a
//! clock that moves only when told, fixtures made through the product's own code, and
//! a real SMTP server to deliver to.
//! Compiled only with the `test-support` feature, so none of it reaches the release
//! binary.

pub mod clock;
pub mod fixtures;
pub mod oidc_provider;
pub mod scratch;
pub mod smtp_sink;
