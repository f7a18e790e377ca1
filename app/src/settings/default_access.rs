//! Default User Permissions: the product access every user added to the account starts
//! with, whatever the way they are added; users already there keep theirs.

use crate::domain::ProductAccess;
use serde::{Deserialize, Serialize};

/// The access a new user starts with. By default none: an admin grants more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultAccess {
    pub access: ProductAccess,
}
