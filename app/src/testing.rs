//! What tests and benchmarks need and the product never does: scratch databases, a
//! clock that moves only when told, and fixtures made through the product's own code.
//! Compiled only with the `test-support` feature, so none of it reaches the release
//! binary.

pub mod clock;
pub mod fixtures;
pub mod scratch;
