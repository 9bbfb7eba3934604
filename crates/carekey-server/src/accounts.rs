//! User accounts: patients and clinicians.

use crate::clock::Millis;
use crate::error::ServiceError;
use crate::identity::Contact;
use carekey_api::{CareStatus, Profile, Role};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Executor, Row};

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub group_id: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// The login number, or else the unverified one given at registration.
    pub phone: Option<String>,
    /// Whether `phone` is the login number (proven with a code).
    pub phone_verified: bool,
    pub responsible_clinician_id: Option<String>,
    /// Whether that clinician accepted this patient; `None` without one.
    pub care_status: Option<CareStatus>,
    /// An anonymous account made before login (`POST /v1/auth/guest`).
    pub guest: bool,
    /// An operator disabled it (`carekey-server users disable`): no
    /// session opens or answers for it.
    pub disabled: bool,
    /// The language its messages are written in (a tag the owner chose or
    /// registered with); `None`: the server's default.
    pub language: Option<String>,
}

impl User {
    pub fn profile(&self) -> Profile {
        Profile {
            user_id: self.id.clone(),
            group_id: self.group_id.clone(),
            role: self.role,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            phone_verified: self.phone.is_some() && self.phone_verified,
            responsible_clinician_id: self.responsible_clinician_id.clone(),
            care_status: self.care_status,
            guest: self.guest,
            language: self.language.clone(),
        }
    }

    pub fn from_row(row: &AnyRow) -> Result<Self, ServiceError> {
        let role: String = row.try_get("role")?;
        Ok(User {
            id: row.try_get("id")?,
            group_id: row.try_get("group_id")?,
            role: Role::parse(&role)
                .ok_or_else(|| ServiceError::Internal(format!("stored role {role}")))?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            phone_verified: row.try_get::<Option<i64>, _>("phone_verified")? == Some(1),
            responsible_clinician_id: row.try_get("responsible_clinician_id")?,
            care_status: row
                .try_get::<Option<String>, _>("care_status")?
                .map(|status| {
                    CareStatus::parse(&status).ok_or_else(|| {
                        ServiceError::Internal(format!("stored care status {status}"))
                    })
                })
                .transpose()?,
            guest: row.try_get::<Option<i64>, _>("guest")? == Some(1),
            disabled: row.try_get::<Option<i64>, _>("disabled")? == Some(1),
            language: row.try_get("language")?,
        })
    }
}

/// The details of an account to create, checked at start and kept with the
/// request until its code is confirmed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registration {
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub responsible_clinician_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The clinician's invitation she registers through, its secret
    /// checked at start: when her code is confirmed it takes one of its
    /// uses and she is his patient at once (`care::invitations::admit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<String>,
    /// The language she registered in (the app's, at start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// The columns [`User::from_row`] reads.
pub const COLUMNS: &str = "id, group_id, role, first_name, last_name, email, \
    COALESCE(phone, unverified_phone) AS phone, \
    CAST(CASE WHEN phone IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS phone_verified, \
    responsible_clinician_id, care_status, guest, \
    CAST(CASE WHEN disabled_at IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS disabled, language";

/// A first or last name as typed (`carekey_api::names`): trimmed; blank is
/// `None`; too long or with control characters is refused, naming `field`.
pub fn clean_name(field: &str, value: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(value) = value else {
        return Ok(None);
    };
    match carekey_api::names::clean(value) {
        Ok(name) => Ok(name.map(str::to_owned)),
        Err(_) => Err(ServiceError::InvalidRequest(format!(
            "{field} must be at most {} characters, without control characters",
            carekey_api::names::NAME_MAX
        ))),
    }
}

/// Renames the account `id` (not a guest's: a guest has no name). Answers
/// the account as it is now, `None` when there is no such account.
pub async fn rename(
    conn: &mut AnyConnection,
    id: &str,
    first_name: &str,
    last_name: &str,
    now: Millis,
) -> Result<Option<User>, ServiceError> {
    sqlx::query(
        "UPDATE users SET first_name = $2, last_name = $3, updated_at = $4 \
         WHERE id = $1 AND guest = 0",
    )
    .bind(id)
    .bind(first_name)
    .bind(last_name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    by_id(&mut *conn, id).await
}

pub async fn by_id<'c, E>(executor: E, id: &str) -> Result<Option<User>, ServiceError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(User::from_row).transpose()
}

/// Takes the account's row lock for the rest of the transaction (PostgreSQL;
/// SQLite's write transactions are serial already), so that checks against
/// the account's quotas or state and the writes that follow them cannot
/// interleave with another request's. Answers whether it is a guest.
pub async fn lock(
    conn: &mut AnyConnection,
    backend: crate::db::Backend,
    id: &str,
) -> Result<bool, ServiceError> {
    let sql = format!(
        "SELECT guest FROM users WHERE id = $1{}",
        backend.for_update()
    );
    let guest: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(id.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
    guest
        .map(|guest| guest != 0)
        .ok_or(ServiceError::InvalidToken)
}

/// The language account `user_id` keeps, if any.
pub async fn language(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Option<String>, ServiceError> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT language FROM users WHERE id = $1")
            .bind(user_id.to_owned())
            .fetch_optional(&mut *conn)
            .await?
            .flatten(),
    )
}

/// The language the account that logs in with `contact` keeps, if there is
/// one and it keeps one.
pub async fn language_of<'c, E>(
    executor: E,
    contact: &Contact,
) -> Result<Option<String>, ServiceError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = match contact {
        Contact::Email(_) => "SELECT language FROM users WHERE email = $1",
        Contact::Phone(_) => "SELECT language FROM users WHERE phone = $1",
    };
    Ok(sqlx::query_scalar::<_, Option<String>>(sql)
        .bind(contact.address().to_owned())
        .fetch_optional(executor)
        .await?
        .flatten())
}

pub async fn id_by_contact(
    conn: &mut AnyConnection,
    contact: &Contact,
) -> Result<Option<String>, ServiceError> {
    let sql = match contact {
        Contact::Email(_) => "SELECT id FROM users WHERE email = $1",
        Contact::Phone(_) => "SELECT id FROM users WHERE phone = $1",
    };
    let row = sqlx::query(sql)
        .bind(contact.address())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|row| row.try_get("id")).transpose()?)
}

/// Creates the account. With both an email and a phone, only the email got
/// the code: the phone is kept as unverified contact information and cannot be
/// used to log in (else anyone could claim someone else's number).
pub async fn create(
    conn: &mut AnyConnection,
    registration: &Registration,
    group_id: &str,
    now: Millis,
) -> Result<User, ServiceError> {
    let (phone, unverified_phone) = match (&registration.email, &registration.phone) {
        (Some(_), phone) => (None, phone.clone()),
        (None, phone) => (phone.clone(), None),
    };
    let user = User {
        id: crate::db::new_id(now),
        group_id: group_id.to_owned(),
        role: registration.role,
        first_name: registration.first_name.clone(),
        last_name: registration.last_name.clone(),
        email: registration.email.clone(),
        phone: phone.clone().or(unverified_phone.clone()),
        phone_verified: phone.is_some(),
        responsible_clinician_id: registration.responsible_clinician_id.clone(),
        // Naming a clinician is a request he answers (see `care`).
        care_status: registration
            .responsible_clinician_id
            .as_ref()
            .map(|_| CareStatus::Pending),
        guest: false,
        disabled: false,
        language: registration.language.clone(),
    };
    sqlx::query(
        "INSERT INTO users (id, group_id, role, first_name, last_name, email, phone, \
         unverified_phone, responsible_clinician_id, care_status, created_at, updated_at, language) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
    )
    .bind(&user.id)
    .bind(&user.group_id)
    .bind(user.role.as_str())
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.email)
    .bind(phone)
    .bind(unverified_phone)
    .bind(&user.responsible_clinician_id)
    .bind(user.care_status.map(CareStatus::as_str))
    .bind(now)
    .bind(user.language.clone())
    .execute(&mut *conn)
    .await?;
    Ok(user)
}

/// What an account owns, children before parents (SQLite enforces the
/// foreign keys), each statement taking the account's id as `$1`: every
/// row but the `users` row itself, which each caller deletes under its own
/// condition (a guest's closing only ever deletes a guest). A table that
/// gains a reference to `users` belongs here, or deleting an account fails
/// on its foreign key.
pub const OWNED_ROWS: [(&str, &str); 17] = [
    (
        "data_sample_keys",
        "DELETE FROM data_sample_keys WHERE recipient_id = $1 \
         OR sample_id IN (SELECT id FROM data_samples WHERE owner_id = $1)",
    ),
    (
        "data_samples",
        "DELETE FROM data_samples WHERE owner_id = $1",
    ),
    ("public_keys", "DELETE FROM public_keys WHERE user_id = $1"),
    ("key_backups", "DELETE FROM key_backups WHERE user_id = $1"),
    (
        "password_oprf",
        "DELETE FROM password_oprf WHERE user_id = $1",
    ),
    (
        "key_transfers",
        "DELETE FROM key_transfers WHERE user_id = $1",
    ),
    (
        "key_audit_events",
        "DELETE FROM key_audit_events WHERE user_id = $1",
    ),
    (
        "user_settings",
        "DELETE FROM user_settings WHERE user_id = $1",
    ),
    (
        "contact_verifications",
        "DELETE FROM contact_verifications WHERE user_id = $1",
    ),
    (
        "contact_changes",
        "DELETE FROM contact_changes WHERE user_id = $1",
    ),
    (
        "invitations",
        "DELETE FROM invitations WHERE clinician_id = $1",
    ),
    ("proofs", "DELETE FROM proofs WHERE user_id = $1"),
    (
        "login_approvals",
        "DELETE FROM login_approvals WHERE request_id IN \
         (SELECT id FROM auth_requests WHERE user_id = $1)",
    ),
    (
        "whatsapp_requests",
        "DELETE FROM whatsapp_requests WHERE request_id IN \
         (SELECT id FROM auth_requests WHERE user_id = $1)",
    ),
    (
        "auth_requests",
        "DELETE FROM auth_requests WHERE user_id = $1",
    ),
    (
        "refresh_tokens",
        "DELETE FROM refresh_tokens WHERE session_id IN \
         (SELECT id FROM sessions WHERE user_id = $1)",
    ),
    ("sessions", "DELETE FROM sessions WHERE user_id = $1"),
];

/// What login keeps about an email or phone number rather than an account:
/// requests started with it (a registration's names no account) by its
/// address, its lock and the requesters it logged in from by its key.
const CONTACT_ROWS: [(&str, &str, ContactPart); 5] = [
    (
        "login_approvals",
        "DELETE FROM login_approvals WHERE request_id IN \
         (SELECT id FROM auth_requests WHERE contact = $1)",
        ContactPart::Address,
    ),
    (
        "whatsapp_requests",
        "DELETE FROM whatsapp_requests WHERE request_id IN \
         (SELECT id FROM auth_requests WHERE contact = $1)",
        ContactPart::Address,
    ),
    (
        "auth_requests",
        "DELETE FROM auth_requests WHERE contact = $1",
        ContactPart::Address,
    ),
    (
        "identifier_guards",
        "DELETE FROM identifier_guards WHERE identifier = $1",
        ContactPart::Key,
    ),
    (
        "trusted_requesters",
        "DELETE FROM trusted_requesters WHERE identifier = $1",
        ContactPart::Key,
    ),
];

enum ContactPart {
    Address,
    Key,
}

/// Deletes the account `user_id` and everything it owns ([`OWNED_ROWS`]),
/// and what login kept about its email and phone ([`CONTACT_ROWS`]): how
/// many rows of each table went (`users`: 1, or 0 when someone else deleted
/// it meanwhile). The caller's transaction makes it all or nothing; what
/// becomes of the patients who name a clinician is the caller's to settle
/// first.
pub async fn erase(
    conn: &mut AnyConnection,
    user_id: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<std::collections::BTreeMap<&'static str, u64>, sqlx::Error> {
    let mut rows: std::collections::BTreeMap<&'static str, u64> = delete_owned(&mut *conn, user_id)
        .await?
        .into_iter()
        .collect();
    let contacts: Vec<Contact> = [email.map(Contact::email), phone.map(Contact::phone)]
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .collect();
    for contact in &contacts {
        for (table, statement, part) in CONTACT_ROWS {
            let value = match part {
                ContactPart::Address => contact.address().to_owned(),
                ContactPart::Key => contact.key(),
            };
            let done = sqlx::query(statement)
                .bind(value)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            *rows.entry(table).or_default() += done;
        }
    }
    let gone = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id.to_owned())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    rows.insert("users", gone);
    Ok(rows)
}

/// Deletes what [`OWNED_ROWS`] names for `user_id`: how many rows of each
/// table went, in that order.
pub async fn delete_owned(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Vec<(&'static str, u64)>, sqlx::Error> {
    let mut deleted = Vec::with_capacity(OWNED_ROWS.len());
    for (table, statement) in OWNED_ROWS {
        let done = sqlx::query(statement)
            .bind(user_id.to_owned())
            .execute(&mut *conn)
            .await?;
        deleted.push((table, done.rows_affected()));
    }
    Ok(deleted)
}
