//! The SQL of handing over the Primary Admin's role: both users changed, both e-mailed
//! and the change audited in one transaction.

use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, PrimaryAdminOnly};
use crate::db::Db;
use crate::domain::{Email, UserId, UserStatus};
use crate::error::{AppError, Clash};
use crate::i18n::Locale;
use crate::mail::message::{PrimaryAdminHandover, primary_admin_handover};
use crate::mail::outbox;
use serde_json::json;

#[derive(sqlx::FromRow)]
struct Person {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    role_is_admin: i64,
}

impl Person {
    fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The Primary Admin behind `grant` hands their role to `heir`, who must be another
/// active admin of the account (404 for a user it does not have, 409 otherwise); they
/// keep the Master Admin role. Answers the heir's address.
pub async fn hand_over(
    db: &Db,
    grant: &Grant<PrimaryAdminOnly>,
    heir: UserId,
    locale: Locale,
    now: i64,
) -> Result<Email, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let person = |id: UserId| {
        sqlx::query_as::<_, Person>(
            "SELECT u.id, u.email, u.first_name, u.last_name, u.status,
                    r.is_admin AS role_is_admin
             FROM users u JOIN roles r ON r.id = u.role_id
             WHERE u.account_id = $1 AND u.id = $2",
        )
        .bind(account)
        .bind(id)
    };
    let heir: Person = person(heir)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::unknown_user(heir.get()))?;
    if heir.id == grant.actor_id() || heir.status != UserStatus::Active || heir.role_is_admin == 0 {
        return Err(AppError::Conflict {
            clash: Clash::NotAnotherActiveAdmin,
        });
    }
    let former: Person = person(grant.actor_id()).fetch_one(&mut *tx).await?;
    let stepped_down = sqlx::query(
        "UPDATE users SET is_primary_admin = 0, version = version + 1,
             role_id = COALESCE(
                 (SELECT id FROM roles WHERE account_id = $1 AND name = $2), role_id)
         WHERE id = $3 AND is_primary_admin = 1",
    )
    .bind(account)
    .bind(crate::accounts::DefaultRole::MasterAdmin.name())
    .bind(former.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if stepped_down != 1 {
        // Handed over meanwhile, by another request of the same Primary Admin.
        return Err(AppError::Forbidden {
            denied: crate::error::Denied::PrimaryAdminOnly,
        });
    }
    sqlx::query("UPDATE users SET is_primary_admin = 1, version = version + 1 WHERE id = $1")
        .bind(heir.id)
        .execute(&mut *tx)
        .await?;
    let (account_name,): (String,) = sqlx::query_as("SELECT name FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(&mut *tx)
        .await?;
    let (heir_name, former_name) = (heir.full_name(), former.full_name());
    for (to, first_name, is_heir) in [
        (&heir.email, &heir.first_name, true),
        (&former.email, &former.first_name, false),
    ] {
        let letter = PrimaryAdminHandover {
            account: &account_name,
            first_name,
            former: &former_name,
            heir: &heir_name,
            to_heir: is_heir,
        };
        let mail = primary_admin_handover(locale, to.clone(), &letter);
        outbox::enqueue(&mut tx, account, &mail, now).await?;
    }
    let event = AuditEvent {
        action: AuditAction::PrimaryAdminHandedOver,
        target: AuditTarget::User(heir.id),
        target_label: heir.email.to_string(),
        before: Some(json!({ "primary_admin": former.email.as_str() })),
        after: Some(json!({ "primary_admin": heir.email.as_str() })),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(heir.email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::testing::fixtures::{
        NOW, add_admin, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    async fn flags(db: &Db, user: UserId) -> (i64, String) {
        sqlx::query_as(
            "SELECT u.is_primary_admin, r.name FROM users u JOIN roles r ON r.id = u.role_id
             WHERE u.id = $1",
        )
        .bind(user)
        .fetch_one(db.pool())
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn the_primary_admin_hands_the_role_to_an_active_admin_and_keeps_master_admin() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let heir = add_admin(&db, &account, "heir@example.com", DefaultRole::UserAdmin).await;
            let primary = signed_in(&db, &account, account.primary_admin_id).await.1;
            let grant = primary.primary_admin_grant().unwrap();
            let to = hand_over(&db, &grant, heir, Locale::en, NOW).await.unwrap();
            assert_eq!(to.as_str(), "heir@example.com", "{url}");
            assert_eq!(flags(&db, heir).await.0, 1, "{url}");
            let former = flags(&db, account.primary_admin_id).await;
            assert_eq!(former, (0, "Master Admin".to_owned()), "{url}");
            let (mails,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(mails, 2, "{url}: both are told");
            let actions = audited_actions(&db).await;
            assert_eq!(actions, ["user.primary_admin_handed_over"], "{url}");
            let again = hand_over(&db, &grant, heir, Locale::en, NOW).await;
            assert!(
                matches!(again, Err(AppError::Forbidden { .. })),
                "{url}: the former Primary Admin's grant is spent"
            );
        }
    }

    #[tokio::test]
    async fn only_another_active_admin_of_the_account_can_become_primary_admin() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let member = add_member(&db, &account, "Mia", "mia@example.com", UserStatus::Active);
            let member = member.await;
            let suspended = add_admin(&db, &account, "sus@example.com", DefaultRole::UserAdmin);
            let suspended = suspended.await;
            sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
                .bind(UserStatus::Suspended.code())
                .bind(suspended)
                .execute(db.pool())
                .await
                .unwrap();
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let primary = signed_in(&db, &account, account.primary_admin_id).await.1;
            let grant = primary.primary_admin_grant().unwrap();
            let not_another_admin = Err(AppError::Conflict {
                clash: Clash::NotAnotherActiveAdmin,
            });
            for refused in [member, suspended, account.primary_admin_id] {
                let answer = hand_over(&db, &grant, refused, Locale::en, NOW).await;
                assert_eq!(answer.map(|_| ()), not_another_admin, "{url}");
            }
            let elsewhere = hand_over(&db, &grant, other.primary_admin_id, Locale::en, NOW).await;
            let unknown = Err(AppError::unknown_user(other.primary_admin_id.get()));
            assert_eq!(elsewhere.map(|_| ()), unknown, "{url}");
            assert_eq!(flags(&db, account.primary_admin_id).await.0, 1, "{url}");
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }
}
