//! The vocabulary every area shares: typed ids, e-mail addresses, person names, user
//! statuses, product access and permissions. Areas depend on this module; it depends on
//! no area, and it compiles for the browser as well as the server, so both parse input
//! the same way.

pub mod email;
pub mod ids;
pub mod permission;
pub mod person_name;
pub mod product_access;
pub mod user_status;

pub use email::Email;
pub use ids::{AccessRequestId, AccountId, AppId, GroupId, MailId, RoleId, SessionId, UserId};
pub use permission::{Permission, PermissionSet};
pub use person_name::PersonName;
pub use product_access::ProductAccess;
pub use user_status::UserStatus;
