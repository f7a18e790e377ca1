//! What a user can do in the product besides the console: the Profile tab's "Product &
//! App Creation Access" toggles (seeds 000: Builder Portal Access, App Creation Access,
//! Manage Data Tables).

use serde::{Deserialize, Serialize};

/// The three access toggles of a user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductAccess {
    pub builder: bool,
    pub app_creation: bool,
    pub data_tables: bool,
}

impl ProductAccess {
    pub const ALL: Self = Self {
        builder: true,
        app_creation: true,
        data_tables: true,
    };
}
