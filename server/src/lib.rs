//! The `roster` server: starting the HTTP application, serving the embedded site,
//! and refusing cross-origin writes.

pub mod assets;
pub mod csrf;
pub mod error_status;
pub mod startup;
pub mod telemetry;
