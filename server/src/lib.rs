//! The `roster` server: starting the HTTP application, serving the embedded site,
//! refusing cross-origin writes, and loading demo and bulk data.

pub mod assets;
pub mod csrf;
pub mod seed;
pub mod startup;
pub mod telemetry;
