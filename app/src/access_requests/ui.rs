//! The self sign-up pages: "Request access" (before sign-in) and the Approval queue
//! (in the console). Each is loaded as its own piece of the wasm.

mod queue;
mod request;

pub use queue::ApprovalQueueRoute;
pub use request::RequestAccessRoute;
