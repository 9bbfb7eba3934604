//! Invitations: a clinician hands a patient a link (or its QR code),
//! `<public url>/invite/<id>.<secret>` or `carekey://invite/<id>.<secret>`,
//! and the patient who registers through it, or names him through it from
//! her account, is his patient at once.
//!
//! Why it is more than a way to fill in his id: naming a clinician is only
//! the patient's claim, which he must accept (see [`crate::care`]). An
//! invitation is his acceptance given ahead of time, to whoever holds the
//! link. That is what it protects, so it is short-lived (at most
//! [`MAX_MINUTES`]), admits a bounded number of patients (single-use by
//! default), and he can revoke it; a patient who reaches the end of her
//! registration after it ran out or was revoked is still registered, with
//! her naming of him pending as if typed.
//!
//! Invariants: the secret is 160 random bits kept only as a keyed hash in a
//! domain of its own; every check of it takes a try (committed with the
//! row locked) before it compares, and [`MAX_FAILED`] wrong ones end the
//! invitation; a use is taken in the same transaction that makes the
//! patient his, by one conditional UPDATE, so no concurrency admits more
//! patients than it allows. Only the clinician who made an invitation
//! lists or revokes it; to anyone else it is not found.

use crate::accounts::User;
use crate::clock::{Millis, rfc3339};
use crate::db::Tx;
use crate::error::ServiceError;
use crate::http::pages::{accept_language, escape, page, paragraph};
use crate::http::{Caller, JsonBody, Shared};
use crate::secrets::{generate_link_secret, same_digest, split_link_token};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use carekey_api::{
    ApiError, CareStatus, InvitationRequest, InvitationSummary, InvitationToken, Invitations,
    InvitedBy, NewInvitation, Role, SecretString,
};
use carekey_i18n::FluentValue;
use sqlx::Row;
use utoipa_axum::routes;

/// Patients one invitation admits unless the clinician says otherwise.
pub const DEFAULT_USES: u32 = 1;
/// The most patients one invitation may admit (a poster in a waiting room,
/// not a public page).
pub const MAX_USES: u32 = 50;
/// How long an invitation works unless the clinician says otherwise.
pub const DEFAULT_MINUTES: u32 = 60;
/// The longest an invitation may work: a week.
pub const MAX_MINUTES: u32 = 7 * 24 * 60;
/// Invitations one clinician may have working at once.
pub const LIVE_PER_CLINICIAN: i64 = 20;
/// Wrong secrets an invitation answers before it ends. A secret of 160
/// random bits is never guessed; this bounds what one link costs.
pub const MAX_FAILED: i64 = 10;

const MINUTE_MS: Millis = 60 * 1000;
const DAY_MS: Millis = 24 * 60 * MINUTE_MS;

pub fn routes() -> crate::http::Routes {
    crate::http::Routes::new()
        .routes(routes!(make_invitation, list_invitations))
        .routes(routes!(revoke_invitation))
        .routes(routes!(open_invitation))
        .routes(routes!(invitation_page))
}

/// An invitation whose secret held: whose it is and whom it names.
#[derive(Debug, Clone)]
pub struct Invited {
    pub invitation_id: String,
    pub clinician_id: String,
    pub first_name: String,
    pub last_name: String,
    pub expires_at: Millis,
}

fn links(state: &AppState, id: &str, secret: &SecretString) -> (SecretString, SecretString) {
    (
        SecretString::new(format!(
            "{}/invite/{id}.{}",
            state.public_url,
            secret.expose()
        )),
        SecretString::new(format!("carekey://invite/{id}.{}", secret.expose())),
    )
}

/// `POST /v1/invitations`: a new invitation of `clinician`'s. Invitations
/// of anyone that ended over a day ago are swept at the same time.
pub async fn make(
    state: &AppState,
    clinician: &str,
    request: &InvitationRequest,
) -> Result<NewInvitation, ServiceError> {
    let uses = request.uses.unwrap_or(DEFAULT_USES);
    let minutes = request.valid_minutes.unwrap_or(DEFAULT_MINUTES);
    if !(1..=MAX_USES).contains(&uses) || !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(ServiceError::InvalidRequest(format!(
            "an invitation admits 1 to {MAX_USES} patients (uses) and works 1 to {MAX_MINUTES} minutes (validMinutes)"
        )));
    }
    let now = state.clock.now_ms();
    let expires_at = now.saturating_add(Millis::from(minutes) * MINUTE_MS);
    let mut tx = state.db.begin().await?;
    // Counted with the clinician's row locked, so two requests at once
    // cannot both pass the limit.
    crate::accounts::lock(&mut tx, state.db.backend(), clinician).await?;
    let user = crate::accounts::by_id(&mut *tx, clinician)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    if user.guest || user.role != Role::Clinician {
        return Err(ServiceError::InvalidRequest(
            "only a clinician's account invites patients".into(),
        ));
    }
    sqlx::query("DELETE FROM invitations WHERE expires_at < $1")
        .bind(now - DAY_MS)
        .execute(&mut *tx)
        .await?;
    let live: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM invitations WHERE clinician_id = $1 \
         AND revoked_at IS NULL AND uses_left > 0 AND expires_at > $2 AND failed_attempts < $3",
    )
    .bind(clinician.to_owned())
    .bind(now)
    .bind(MAX_FAILED)
    .fetch_one(&mut *tx)
    .await?;
    if live >= LIVE_PER_CLINICIAN {
        return Err(ServiceError::QuotaExceeded);
    }
    let id = crate::db::new_id(now);
    let secret = generate_link_secret();
    sqlx::query(
        "INSERT INTO invitations (id, clinician_id, secret_hash, uses, uses_left, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $4, $5, $6)",
    )
    .bind(id.clone())
    .bind(clinician.to_owned())
    .bind(state.codes.hash_invitation(&id, secret.expose()))
    .bind(i64::from(uses))
    .bind(expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(invitation = %id, uses, minutes, "clinician made an invitation");
    let (link, app_link) = links(state, &id, &secret);
    Ok(NewInvitation {
        invitation: InvitationSummary {
            invitation_id: id,
            created_at: rfc3339(now),
            expires_at: rfc3339(expires_at),
            uses,
            uses_left: uses,
        },
        link,
        app_link,
    })
}

/// `GET /v1/invitations`: the clinician's invitations that still work,
/// newest first (their links are not kept: only their makers saw them).
pub async fn list(state: &AppState, clinician: &str) -> Result<Invitations, ServiceError> {
    let now = state.clock.now_ms();
    let rows = sqlx::query(
        "SELECT id, created_at, expires_at, uses, uses_left FROM invitations \
         WHERE clinician_id = $1 AND revoked_at IS NULL AND uses_left > 0 \
           AND expires_at > $2 AND failed_attempts < $3 \
         ORDER BY created_at DESC, id DESC",
    )
    .bind(clinician.to_owned())
    .bind(now)
    .bind(MAX_FAILED)
    .fetch_all(state.db.reader())
    .await?;
    let count = |row: &sqlx::any::AnyRow, column: &str| -> Result<u32, ServiceError> {
        Ok(u32::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
    };
    let invitations = rows
        .iter()
        .map(|row| {
            Ok(InvitationSummary {
                invitation_id: row.try_get("id")?,
                created_at: rfc3339(row.try_get("created_at")?),
                expires_at: rfc3339(row.try_get("expires_at")?),
                uses: count(row, "uses")?,
                uses_left: count(row, "uses_left")?,
            })
        })
        .collect::<Result<_, ServiceError>>()?;
    Ok(Invitations { invitations })
}

/// `DELETE /v1/invitations/{id}`: the invitation admits nobody more. A
/// patient registering through it is still registered, her naming of the
/// clinician pending. Revoking one twice is no error; someone else's is
/// not found.
pub async fn revoke(state: &AppState, clinician: &str, id: &str) -> Result<(), ServiceError> {
    let now = state.clock.now_ms();
    let changed = sqlx::query(
        "UPDATE invitations SET revoked_at = COALESCE(revoked_at, $3) \
         WHERE id = $1 AND clinician_id = $2",
    )
    .bind(id.to_owned())
    .bind(clinician.to_owned())
    .bind(now)
    .execute(state.db.writer())
    .await?;
    if changed.rows_affected() == 0 {
        return Err(ServiceError::NotFound);
    }
    tracing::info!(invitation = %id, "clinician revoked an invitation");
    Ok(())
}

/// Takes a try of `token` (`<id>.<secret>`), then checks it: whose
/// invitation it is, if the secret holds and the invitation still admits
/// someone. The try is committed whatever the check says; a right secret
/// gives it back, so people who open a working link any number of times
/// never end it. Nothing is used up here: that is [`admit`]'s.
pub async fn check(state: &AppState, token: &str) -> Result<Invited, ServiceError> {
    let (id, secret) = split_link_token(token).ok_or(ServiceError::InvalidInvitation)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT clinician_id, secret_hash, failed_attempts, uses_left, expires_at, revoked_at \
         FROM invitations WHERE id = $1{}",
        state.db.backend().for_update()
    )))
    .bind(id.clone())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ServiceError::InvalidInvitation)?;
    if row.try_get::<i64, _>("failed_attempts")? >= MAX_FAILED {
        return Err(ServiceError::InvitationEnded);
    }
    sqlx::query("UPDATE invitations SET failed_attempts = failed_attempts + 1 WHERE id = $1")
        .bind(id.clone())
        .execute(&mut *tx)
        .await?;
    let stored: Vec<u8> = row.try_get("secret_hash")?;
    if !same_digest(&state.codes.hash_invitation(&id, &secret), &stored) {
        tx.commit().await?;
        tracing::info!(invitation = %id, "an invitation with a wrong secret");
        return Err(ServiceError::InvalidInvitation);
    }
    sqlx::query("UPDATE invitations SET failed_attempts = failed_attempts - 1 WHERE id = $1")
        .bind(id.clone())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let expires_at: Millis = row.try_get("expires_at")?;
    if row.try_get::<Option<i64>, _>("revoked_at")?.is_some()
        || row.try_get::<i64, _>("uses_left")? <= 0
        || expires_at <= now
    {
        return Err(ServiceError::InvitationEnded);
    }
    let clinician_id: String = row.try_get("clinician_id")?;
    // An account its operator disabled admits nobody until enabled again.
    let clinician = crate::accounts::by_id(state.db.reader(), &clinician_id)
        .await?
        .filter(|clinician| !clinician.disabled)
        .ok_or(ServiceError::InvitationEnded)?;
    Ok(Invited {
        invitation_id: id,
        clinician_id,
        first_name: clinician.first_name,
        last_name: clinician.last_name,
        expires_at,
    })
}

/// Takes one use of invitation `invitation_id` for `patient`, who names
/// its clinician, in `tx`, and makes her his accepted patient; answers
/// whether it could (the invitation may have run out, expired or been
/// revoked since it was checked: then `patient` is left as she was).
pub async fn admit(
    tx: &mut Tx,
    invitation_id: &str,
    patient: &mut User,
    now: Millis,
) -> Result<bool, ServiceError> {
    let Some(clinician) = patient.responsible_clinician_id.clone() else {
        return Ok(false);
    };
    let used = sqlx::query(
        "UPDATE invitations SET uses_left = uses_left - 1 \
         WHERE id = $1 AND clinician_id = $2 AND uses_left > 0 AND revoked_at IS NULL \
           AND expires_at > $3 AND failed_attempts < $4",
    )
    .bind(invitation_id.to_owned())
    .bind(clinician)
    .bind(now)
    .bind(MAX_FAILED)
    .execute(&mut **tx)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE users SET care_status = 'accepted', updated_at = $2 WHERE id = $1")
        .bind(patient.id.clone())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    patient.care_status = Some(CareStatus::Accepted);
    tracing::info!(invitation = %invitation_id, user = %patient.id, "a patient joined through an invitation");
    Ok(true)
}

#[utoipa::path(post, path = "/v1/invitations", tag = "care",
    description = "A clinician makes an invitation: its links (https and carekey://) carry a secret shown only in this answer. A patient who registers through it, or names him through it from her account, is his patient at once (it is his acceptance, given ahead). It admits `uses` patients (1 by default, at most 50) for `validMinutes` (60 by default, at most a week), until he revokes it.",
    request_body = InvitationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = NewInvitation),
        (status = 400, body = ApiError, description = "invalid_request: not a clinician's account, or uses or validMinutes out of bounds"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 409, body = ApiError, description = "quota_exceeded: 20 invitations already working"),
    ))]
async fn make_invitation(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<InvitationRequest>,
) -> Result<Json<NewInvitation>, ServiceError> {
    make(&state, &claims.sub, &request).await.map(Json)
}

#[utoipa::path(get, path = "/v1/invitations", tag = "care",
    description = "The caller's invitations that still admit someone, newest first, without their links.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Invitations),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn list_invitations(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<Invitations>, ServiceError> {
    list(&state, &claims.sub).await.map(Json)
}

#[utoipa::path(delete, path = "/v1/invitations/{id}", tag = "care",
    description = "Revoke one of the caller's invitations: it admits nobody more (a patient registering through it still registers, her naming of him pending).",
    params(("id" = String, Path, description = "the invitation's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "revoked"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (not one of the caller's)"),
    ))]
async fn revoke_invitation(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ServiceError> {
    revoke(&state, &claims.sub, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/invitations/open", tag = "care",
    description = "Who invites: the clinician an invitation names, for the app to show before she registers. Changes nothing but the count of wrong secrets (ten end the invitation).",
    request_body = InvitationToken,
    responses(
        (status = 200, body = InvitedBy),
        (status = 400, body = ApiError, description = "invalid_invitation: no such invitation, or not its secret"),
        (status = 410, body = ApiError, description = "invitation_ended: expired, used up or revoked"),
    ))]
async fn open_invitation(
    State(state): Shared,
    JsonBody(request): JsonBody<InvitationToken>,
) -> Result<Json<InvitedBy>, ServiceError> {
    let invited = check(&state, request.invitation.expose()).await?;
    Ok(Json(InvitedBy {
        clinician_id: invited.clinician_id,
        first_name: invited.first_name,
        last_name: invited.last_name,
        expires_at: rfc3339(invited.expires_at),
    }))
}

#[utoipa::path(get, path = "/invite/{token}", tag = "links",
    description = "The page of an invitation's https link: who invites, a button that opens the app with it, and the clinician's CareKey ID to type instead. It changes nothing.",
    params(("token" = String, Path, description = "<invitation id>.<secret>")),
    responses(
        (status = 200, description = "the page"),
        (status = 404, description = "not such a link"),
        (status = 410, description = "the invitation ended"),
    ))]
async fn invitation_page(
    State(state): Shared,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let language = state.templates.page_language(accept_language(&headers));
    let tag = state.templates.tag(language);
    let words = |id: &str, attribute: Option<&str>, args: &[(&str, FluentValue<'_>)]| {
        state.templates.words(language, id, attribute, args)
    };
    let short = |status: StatusCode, id: &str| {
        page(
            status,
            &tag,
            &words(id, Some("title"), &[]),
            &paragraph(&words(id, None, &[]), false),
        )
    };
    match check(&state, &token).await {
        Ok(invited) => {
            let name = format!("{} {}", invited.first_name, invited.last_name);
            let args = [
                ("name", FluentValue::from(name.as_str())),
                (
                    "until",
                    state.templates.moment(language, invited.expires_at).into(),
                ),
                ("id", invited.clinician_id.as_str().into()),
            ];
            // The id is set apart as code once the sentence is escaped.
            let hint = escape(&words("invitation-hint", None, &args)).replacen(
                &escape(&invited.clinician_id),
                &format!("<code>{}</code>", escape(&invited.clinician_id)),
                1,
            );
            page(
                StatusCode::OK,
                &tag,
                &words("invitation", Some("title"), &args),
                &format!(
                    "{invites}<p><a class=\"open\" href=\"carekey://invite/{token}\">{open}</a></p>\
                     <p class=\"hint\">{hint}</p>",
                    invites = paragraph(&words("invitation", None, &args), false),
                    open = escape(&words("landing-open", None, &[])),
                    token = escape(token.trim()),
                ),
            )
        }
        Err(ServiceError::InvitationEnded) => short(StatusCode::GONE, "invitation-ended"),
        Err(ServiceError::InvalidInvitation) => {
            short(StatusCode::NOT_FOUND, "invitation-malformed")
        }
        Err(error) => {
            tracing::error!(%error, "an invitation's page failed");
            short(StatusCode::SERVICE_UNAVAILABLE, "page-unavailable")
        }
    }
}
