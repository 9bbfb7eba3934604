//! Who cares for whom. A patient names her responsible clinician at
//! registration, but naming him is only her claim: anyone who knows a
//! clinician's id can name him. So the link counts only once he accepts it
//! (`users.care_status = 'accepted'`): until then she is not among his
//! patients' notes, his keys are not handed to her, and nothing can be
//! wrapped for him. Every check of "may these two share" is [`shares_with`],
//! here, so no path can forget the acceptance.

use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::http::{Caller, Shared};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use carekey_api::{ApiError, CareStatus, Patient, Patients};
use sqlx::Row;
use utoipa_axum::routes;

pub fn routes() -> crate::http::Routes {
    crate::http::Routes::new()
        .routes(routes!(list_patients))
        .routes(routes!(accept_patient))
        .routes(routes!(decline_patient))
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
    })
}

const PATIENT_COLUMNS: &str = "id, first_name, last_name, email, \
    COALESCE(phone, unverified_phone) AS phone, care_status, created_at";

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
