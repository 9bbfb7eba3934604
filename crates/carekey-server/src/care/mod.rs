//! Who cares for whom. A patient names her responsible clinician at
//! registration, but naming him is only her claim: anyone who knows a
//! clinician's id can name him. So the link counts only once he accepts it
//! (`users.care_status = 'accepted'`): until then she is not among his
//! patients' notes, his keys are not handed to her, and nothing can be
//! wrapped for him. Every check of "may these two share" is [`shares_with`],
//! here, so no path can forget the acceptance.
//!
//! A patient changes her clinician or stops sharing herself
//! (`PUT /v1/me/clinician`). What a clinician was given while he followed
//! her stays readable to him: it is his record of her care, as a letter
//! sent stays sent (iCure's `stopSharingDataWith` stops future sharing
//! only). A new clinician is her claim again until he accepts; her device
//! then re-shares her earlier notes to him.

pub mod invitations;

use crate::accounts::User;
use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::http::{Caller, JsonBody, Shared};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use carekey_api::{ApiError, CareStatus, ClinicianRequest, Patient, Patients, Profile, Role};
use sqlx::Row;
use utoipa_axum::routes;

pub fn routes() -> crate::http::Routes {
    crate::http::Routes::new()
        .routes(routes!(list_patients))
        .routes(routes!(accept_patient))
        .routes(routes!(decline_patient))
        .routes(routes!(change_clinician))
        .merge(invitations::routes())
}

/// Names `clinician` as the patient's responsible clinician (pending his
/// answer), or none. Naming the one she already has changes nothing, so a
/// patient cannot make a clinician who declined her answer again by naming
/// him again; she can name someone else. Only a patient's own account
/// (not a guest's, not a clinician's) has a clinician.
///
/// Through his invitation (`invited`, its secret checked) she names him
/// and is his patient at once, taking one of its uses in the same
/// transaction; one that ran out meanwhile changes nothing
/// (`invitation_ended`).
pub async fn set_clinician(
    state: &AppState,
    patient: &str,
    clinician: Option<&str>,
    invited: Option<&invitations::Invited>,
) -> Result<User, ServiceError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let user = crate::accounts::by_id(&mut *tx, patient)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    if user.guest || user.role != Role::Patient {
        return Err(ServiceError::InvalidRequest(
            "only a patient's account has a responsible clinician".into(),
        ));
    }
    let clinician = match invited {
        Some(invited) if clinician.is_some_and(|typed| typed != invited.clinician_id) => {
            return Err(ServiceError::InvalidClinician(
                "the invitation is from another clinician than the one named",
            ));
        }
        Some(invited) => Some(invited.clinician_id.as_str()),
        None => clinician,
    };
    match clinician {
        Some(clinician)
            if user.responsible_clinician_id.as_deref() == Some(clinician)
                && (invited.is_none() || user.care_status == Some(CareStatus::Accepted)) =>
        {
            return Ok(user);
        }
        Some(clinician) => {
            // The check and the change in one statement: a clinician
            // deleted meanwhile is not named.
            let changed = sqlx::query(
                "UPDATE users SET responsible_clinician_id = $2, care_status = 'pending', updated_at = $3 \
                 WHERE id = $1 AND EXISTS (SELECT 1 FROM users c WHERE c.id = $2 \
                   AND c.role = 'clinician' AND c.guest = 0)",
            )
            .bind(patient.to_owned())
            .bind(clinician.to_owned())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() == 0 {
                return Err(ServiceError::InvalidClinician(
                    "the responsible clinician must be the user id of a registered clinician",
                ));
            }
        }
        None => {
            sqlx::query(
                "UPDATE users SET responsible_clinician_id = NULL, care_status = NULL, updated_at = $2 \
                 WHERE id = $1",
            )
            .bind(patient.to_owned())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    let mut user = crate::accounts::by_id(&mut *tx, patient)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    if let Some(invited) = invited
        && !invitations::admit(&mut tx, &invited.invitation_id, &mut user, now).await?
    {
        return Err(ServiceError::InvitationEnded);
    }
    tx.commit().await?;
    tracing::info!(user = %patient, sharing = clinician.is_some(), "patient changed her clinician");
    Ok(user)
}

#[utoipa::path(put, path = "/v1/me/clinician", tag = "care",
    description = "A patient names another responsible clinician, or none (`clinicianId` absent or null) to stop sharing: what she writes from then on is hers alone. A new clinician sees nothing until he accepts her; her device then shares her earlier notes with him. Through his invitation (`invitation`) she is his patient at once. What a previous clinician was given stays readable to him.",
    request_body = ClinicianRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ApiError, description = "invalid_clinician: not a registered clinician's id, or not the invitation's; invalid_request: not a patient's account; invalid_invitation"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 410, body = ApiError, description = "invitation_ended: expired, used up or revoked"),
    ))]
async fn change_clinician(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<ClinicianRequest>,
) -> Result<Json<Profile>, ServiceError> {
    let clinician = request
        .clinician_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let invited = match &request.invitation {
        Some(token) => Some(invitations::check(&state, token.expose()).await?),
        None => None,
    };
    let user = set_clinician(&state, &claims.sub, clinician, invited.as_ref()).await?;
    Ok(Json(user.profile()))
}

/// Most patients one list answers; a clinician with more sees those
/// waiting first, which are the ones that need him.
const LISTED: i64 = 1000;

/// Whether `reader` may read `other`'s keys and share with them: themselves,
/// a patient and the clinician who accepted her, in either direction.
pub async fn shares_with(
    state: &AppState,
    reader: &str,
    other: &str,
) -> Result<bool, ServiceError> {
    if reader == other {
        return Ok(true);
    }
    let row = sqlx::query(
        "SELECT 1 AS related FROM users WHERE care_status = 'accepted' AND \
         ((id = $1 AND responsible_clinician_id = $2) OR (id = $2 AND responsible_clinician_id = $1))",
    )
    .bind(reader.to_owned())
    .bind(other.to_owned())
    .fetch_optional(state.db.reader())
    .await?;
    Ok(row.is_some())
}

fn patient(row: &sqlx::any::AnyRow) -> Result<Patient, ServiceError> {
    let status: String = row.try_get("care_status")?;
    Ok(Patient {
        user_id: row.try_get("id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        care_status: CareStatus::parse(&status)
            .ok_or_else(|| ServiceError::Internal(format!("stored care status {status}")))?,
        named_at: rfc3339(row.try_get("created_at")?),
        notes_shared: u32::try_from(row.try_get::<i64, _>("notes_shared")?).unwrap_or(u32::MAX),
        notes_to_reshare: u32::try_from(row.try_get::<i64, _>("notes_to_reshare")?)
            .unwrap_or(u32::MAX),
    })
}

/// Every query with these columns selects patients of one clinician
/// (`responsible_clinician_id`), whose notes wrapped for him are counted;
/// those he could give back to her only once he accepted her (only then is
/// he handed her keys).
const PATIENT_COLUMNS: &str = "id, first_name, last_name, email, \
    COALESCE(phone, unverified_phone) AS phone, care_status, created_at, \
    (SELECT COUNT(*) FROM data_samples s WHERE s.owner_id = users.id AND EXISTS \
      (SELECT 1 FROM data_sample_keys k WHERE k.sample_id = s.id \
       AND k.recipient_id = users.responsible_clinician_id)) AS notes_shared, \
    (SELECT COUNT(*) FROM data_samples s WHERE users.care_status = 'accepted' \
     AND s.owner_id = users.id AND EXISTS \
      (SELECT 1 FROM data_sample_keys k WHERE k.sample_id = s.id \
       AND k.recipient_id = users.responsible_clinician_id) \
     AND EXISTS (SELECT 1 FROM public_keys p WHERE p.user_id = users.id \
       AND p.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM data_sample_keys w \
         WHERE w.sample_id = s.id AND w.recipient_id = users.id AND w.key_id = p.key_id))) \
      AS notes_to_reshare";

/// `GET /v1/patients`: everyone who named `clinician`, those waiting for
/// an answer first, then by name. Anyone but a clinician has none.
pub async fn patients_of(state: &AppState, clinician: &str) -> Result<Patients, ServiceError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PATIENT_COLUMNS} FROM users \
         WHERE responsible_clinician_id = $1 AND care_status IS NOT NULL \
         ORDER BY CASE care_status WHEN 'pending' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, \
           last_name, first_name, id LIMIT {LISTED}"
    )))
    .bind(clinician.to_owned())
    .fetch_all(state.db.reader())
    .await?;
    Ok(Patients {
        patients: rows.iter().map(patient).collect::<Result<_, _>>()?,
    })
}

/// `POST /v1/patients/{id}/accept` and `/decline`: the clinician's answer to
/// a patient who named him. He may change it later: declining an accepted
/// patient stops what is shared from then on (notes already wrapped for him
/// stay readable to him, as a record he was given), accepting a declined
/// one starts it again. A patient who did not name him is not found, so the
/// answer cannot be used to learn who named whom.
pub async fn answer(
    state: &AppState,
    clinician: &str,
    patient_id: &str,
    status: CareStatus,
) -> Result<Patient, ServiceError> {
    if !matches!(status, CareStatus::Accepted | CareStatus::Declined) {
        return Err(ServiceError::Internal(format!(
            "a clinician answers accepted or declined, not {}",
            status.as_str()
        )));
    }
    let now = state.clock.now_ms();
    let changed = sqlx::query(
        "UPDATE users SET care_status = $3, updated_at = $4 \
         WHERE id = $1 AND responsible_clinician_id = $2 AND care_status IS NOT NULL",
    )
    .bind(patient_id.to_owned())
    .bind(clinician.to_owned())
    .bind(status.as_str())
    .bind(now)
    .execute(state.db.writer())
    .await?;
    if changed.rows_affected() == 0 {
        return Err(ServiceError::NotFound);
    }
    tracing::info!(status = status.as_str(), "clinician answered a patient");
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PATIENT_COLUMNS} FROM users WHERE id = $1 AND responsible_clinician_id = $2"
    )))
    .bind(patient_id.to_owned())
    .bind(clinician.to_owned())
    .fetch_optional(state.db.writer())
    .await?
    .ok_or(ServiceError::NotFound)?;
    patient(&row)
}

#[utoipa::path(get, path = "/v1/patients", tag = "care",
    description = "The patients who named the caller as their clinician, those waiting for an answer first. Naming a clinician is the patient's claim: nothing is shared with him until he accepts. Anyone but a clinician has none.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Patients),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn list_patients(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<Patients>, ServiceError> {
    crate::care::patients_of(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/patients/{id}/accept", tag = "care",
    description = "Accept a patient who named the caller: from now on her notes are shared with him and his keys are handed to her. Also takes back an earlier decline.",
    params(("id" = String, Path, description = "the patient's user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Patient),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (she did not name the caller)"),
    ))]
async fn accept_patient(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<Json<Patient>, ServiceError> {
    crate::care::answer(&state, &claims.sub, &id, CareStatus::Accepted)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/patients/{id}/decline", tag = "care",
    description = "Decline a patient who named the caller, or stop caring for one he accepted: nothing new is shared with him and his keys are no longer handed to her. Notes already shared stay readable to him.",
    params(("id" = String, Path, description = "the patient's user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Patient),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (she did not name the caller)"),
    ))]
async fn decline_patient(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<Json<Patient>, ServiceError> {
    crate::care::answer(&state, &claims.sub, &id, CareStatus::Declined)
        .await
        .map(Json)
}
