//! Who is making this request, and what they may do. A request's session is resolved
//! once, by the server's middleware, into a `Principal`; server functions read it from
//! the request and ask it for a `Grant`. The store's operations take a `Grant<C>`, and
//! nothing but `Principal::grant` can make one, so a forgotten check does not compile.

use crate::domain::{AccountId, Email, Permission, PermissionSet, SessionId, UserId};
use crate::error::{AppError, Denied};
use std::marker::PhantomData;
use std::net::IpAddr;

/// How recent a sign-in (or a password given again) must be for the changes that could
/// take over an account.
pub const RECENT_SIGN_IN_SECS: i64 = 5 * 60;

/// Something an admin may be allowed to do: a type for each `Permission`.
pub trait Capability {
    const PERMISSION: Permission;
}

macro_rules! capability {
    ($(#[$doc:meta])* $name:ident => $permission:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;
        impl Capability for $name {
            const PERMISSION: Permission = Permission::$permission;
        }
    };
}

capability!(
    /// See the Users grid.
    UsersRead => UsersRead
);
capability!(
    /// Delete users.
    UsersDelete => UsersDelete
);
capability!(
    /// Change users' status.
    UsersUpdate => UsersUpdate
);
capability!(
    /// End users' sessions.
    SessionsKill => SessionsKill
);
capability!(
    /// Give users a role in an app, change it or take it away.
    AppsAssign => AppsAssign
);
capability!(
    /// Create, rename and delete groups, and choose their members.
    GroupsManage => GroupsManage
);
capability!(
    /// Read the audit log.
    AuditRead => AuditRead
);
capability!(
    /// Read the outbox.
    OutboxRead => OutboxRead
);
capability!(
    /// Change the account's settings.
    SettingsManage => SettingsManage
);
capability!(
    /// Invite people, and resend or revoke invitations.
    UsersInvite => UsersInvite
);
capability!(
    /// Approve or reject requests to join.
    UsersApprove => UsersApprove
);
capability!(
    /// Create, change and delete custom admin roles.
    RolesManage => RolesManage
);

/// What only the account's Primary Admin may do, whatever a role holds: transferring
/// the ownership of an app (seeds 002: "available only to the Primary Master Admin").
#[derive(Debug)]
pub struct PrimaryAdminOnly;

/// What every signed-in user may do to their own account: read it, and end their own
/// sessions.
#[derive(Debug)]
pub struct OwnAccount;

/// Who acts: the admin, their account, their e-mail (as the audit trail names them),
/// and the address they act from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub email: Email,
    pub addr: Option<IpAddr>,
}

impl Actor {
    /// User `user`, acting for themselves (signing in, not through the console), as
    /// the audit trail records them.
    pub(crate) async fn of_user(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user: UserId,
        addr: Option<IpAddr>,
    ) -> Result<Self, AppError> {
        let row: Option<(AccountId, String)> =
            sqlx::query_as("SELECT account_id, email FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(&mut **tx)
                .await?;
        // Deleted while signing in.
        let (account_id, email) = row.ok_or(AppError::Unauthenticated)?;
        Ok(Self {
            account_id,
            user_id: user,
            email: Email::parse(&email).map_err(|_| AppError::Internal)?,
            addr,
        })
    }
}

/// Proof that `actor` may do `C` in their account, with every permission they hold:
/// nobody gives another a permission they do not hold themselves.
#[derive(Debug)]
pub struct Grant<C> {
    actor: Actor,
    held: PermissionSet,
    capability: PhantomData<C>,
}

impl<C> Grant<C> {
    /// The account every query under this grant is confined to.
    pub fn account_id(&self) -> AccountId {
        self.actor.account_id
    }

    /// The admin acting.
    pub fn actor_id(&self) -> UserId {
        self.actor.user_id
    }

    /// Who acts, as the audit trail records them.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Every permission the actor holds.
    pub fn held(&self) -> &PermissionSet {
        &self.held
    }
}

/// How the request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// The console's session cookie: which session, when it ends unless it is active
    /// again, and when its person last proved who they are.
    SessionCookie {
        id: SessionId,
        ends_at: i64,
        verified_at: i64,
    },
}

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub role_name: String,
    /// When their profile picture last changed, if they have one.
    pub picture_at: Option<i64>,
}

/// The signed-in admin behind a request. Its fields are private: nothing can move it
/// to another account or give it a permission its role does not hold.
#[derive(Debug, Clone)]
pub struct Principal {
    user_id: UserId,
    account_id: AccountId,
    is_primary_admin: bool,
    is_admin: bool,
    permissions: PermissionSet,
    authentication: Authentication,
    profile: Profile,
    addr: Option<IpAddr>,
}

impl Principal {
    /// Only session resolution makes a principal; the Primary Admin holds every
    /// permission whatever their role says, and a member (no admin role) none.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        user_id: UserId,
        account_id: AccountId,
        is_primary_admin: bool,
        is_admin: bool,
        role_permissions: PermissionSet,
        authentication: Authentication,
        profile: Profile,
        addr: Option<IpAddr>,
    ) -> Self {
        let permissions = if is_primary_admin {
            PermissionSet::all()
        } else if is_admin {
            role_permissions
        } else {
            PermissionSet::default()
        };
        Self {
            user_id,
            account_id,
            is_primary_admin,
            is_admin,
            permissions,
            authentication,
            profile,
            addr,
        }
    }

    /// A grant for `C`, or 403 when this admin's role lacks it.
    pub fn grant<C: Capability>(&self) -> Result<Grant<C>, AppError> {
        if self.permissions.contains(C::PERMISSION) {
            Ok(Grant {
                actor: self.actor(),
                held: self.permissions.clone(),
                capability: PhantomData,
            })
        } else {
            tracing::warn!(
                account = %self.account_id,
                user = %self.user_id,
                permission = C::PERMISSION.key(),
                "refused: the admin's role lacks the permission"
            );
            Err(AppError::missing_permission(C::PERMISSION))
        }
    }

    /// A grant for what only the Primary Admin may do, or 403 for anyone else.
    pub fn primary_admin_grant(&self) -> Result<Grant<PrimaryAdminOnly>, AppError> {
        if self.is_primary_admin {
            Ok(Grant {
                actor: self.actor(),
                held: self.permissions.clone(),
                capability: PhantomData,
            })
        } else {
            tracing::warn!(
                account = %self.account_id,
                user = %self.user_id,
                "refused: only the Primary Admin may do this"
            );
            Err(AppError::Forbidden {
                denied: Denied::PrimaryAdminOnly,
            })
        }
    }

    /// A grant for acting on one's own account: every signed-in user, admin or member.
    pub fn own_account_grant(&self) -> Grant<OwnAccount> {
        Grant {
            actor: self.actor(),
            held: self.permissions.clone(),
            capability: PhantomData,
        }
    }

    fn actor(&self) -> Actor {
        Actor {
            account_id: self.account_id,
            user_id: self.user_id,
            email: self.profile.email.clone(),
            addr: self.addr,
        }
    }

    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    pub fn is_primary_admin(&self) -> bool {
        self.is_primary_admin
    }

    /// Whether this user may use the console (else only their own account page).
    pub fn is_admin(&self) -> bool {
        self.is_admin
    }

    pub fn permissions(&self) -> &PermissionSet {
        &self.permissions
    }

    pub fn authentication(&self) -> Authentication {
        self.authentication
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// When this request's session ends unless it is active again.
    pub fn session_ends_at(&self) -> i64 {
        match self.authentication {
            Authentication::SessionCookie { ends_at, .. } => ends_at,
        }
    }

    /// Refuses (403 `recent_sign_in_needed`) unless the person proved who they are in
    /// the last `RECENT_SIGN_IN_SECS`: at sign-in, or by giving their password again.
    /// The changes that could take over an account ask this first.
    pub fn require_recent_sign_in(&self, now: i64) -> Result<(), AppError> {
        let Authentication::SessionCookie { verified_at, .. } = self.authentication;
        if now - verified_at <= RECENT_SIGN_IN_SECS {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                denied: Denied::RecentSignInNeeded,
            })
        }
    }
}

/// Where the request came from, as the server saw it: recorded in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The principal of the request being served, or 401. Names the account in the
/// current span (server functions declare an empty `account` field for it).
pub fn current_principal() -> Result<Principal, AppError> {
    let parts = crate::state::request_parts()?;
    let principal = parts
        .extensions
        .get::<Principal>()
        .cloned()
        .ok_or(AppError::Unauthenticated)?;
    tracing::Span::current().record("account", principal.account_id.get());
    Ok(principal)
}
