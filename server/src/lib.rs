//! The `roster` server: building the HTTP application (`startup`), serving the embedded
//! site (`assets`), the Dashboard's live activity (`activity`), resolving who asks (`principal`), refusing cross-origin writes
//! (`csrf`), answering errors with their status (`error_status`), and logs
//! (`telemetry`).

pub mod activity;
pub mod assets;
pub mod csrf;
pub mod error_status;
pub mod origin;
pub mod pictures;
pub mod principal;
pub mod sso;
pub mod startup;
pub mod telemetry;
