//! The Enrollment pages: Invite (in the console) and the page an invitation's link
//! opens (before sign-in). Each is loaded as its own piece of the wasm.

mod accept;
mod invite;

pub use accept::AcceptInvitationRoute;
pub use invite::InviteRoute;
