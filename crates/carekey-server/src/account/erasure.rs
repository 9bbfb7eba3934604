//! A person deletes their own account (the right to erasure, GDPR article
//! 17): `DELETE /v1/me`.
//!
//! Invariants: it needs a fresh proof, as every change of how the account
//! logs in does, so a stolen access token alone cannot erase someone; it is
//! all or nothing, in one transaction (the account, everything it owns, and
//! what login kept about its email and phone: [`crate::accounts::erase`],
//! the operator's deletion too); the account's addresses are told, in the
//! same transaction, and the audit keeps a tombstone (the operators' audit,
//! actor `owner`: the account's id and role, nothing of the person). A clinician whom patients still name is refused: they
//! would be left waiting on nobody, and only an operator can move them
//! (`carekey-server users delete --move-patients-to`). A guest closes
//! itself with `DELETE /v1/me/guest`.

use crate::error::ServiceError;
use crate::http::{Caller, Shared};
use crate::identity::Contact;
use axum::extract::State;
use axum::http::StatusCode;
use carekey_api::{ApiError, Role};

#[utoipa::path(delete, path = "/v1/me", tag = "account",
    description = "Delete the caller's account and everything it holds on the server: profile, sessions, keys, backups, notes (with the keys that let the clinician read them), settings. Needs a fresh proof. The account's email and login phone are told, and so are the clinic's systems (a contact.deleted webhook; our identifier taken off the FHIR Patient). A clinician whom patients still name is refused (an operator moves them); a guest uses DELETE /v1/me/guest.",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, body = ApiError, description = "invalid_request: a guest; patients_remain: a clinician whom patients still name"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 403, body = ApiError, description = "fresh_proof_required"),
    ))]
pub(super) async fn delete_me(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<StatusCode, ServiceError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let user = crate::accounts::by_id(&mut *tx, &claims.sub)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    if user.guest {
        return Err(ServiceError::InvalidRequest(
            "a guest is closed with DELETE /v1/me/guest".into(),
        ));
    }
    crate::account::proofs::require_fresh(&state, &mut tx, &claims).await?;
    if user.role == Role::Clinician {
        let named: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE responsible_clinician_id = $1",
        )
        .bind(user.id.clone())
        .fetch_one(&mut *tx)
        .await?;
        if named > 0 {
            return Err(ServiceError::PatientsRemain(named));
        }
    }
    let mut told = Vec::new();
    if let Some(email) = &user.email {
        told.push(Contact::Email(email.clone()));
    }
    if let Some(phone) = user.phone.as_ref().filter(|_| user.phone_verified) {
        told.push(Contact::Phone(phone.clone()));
    }
    let language = state.templates.language(&[user.language.as_deref()]);
    let notices =
        crate::account::proofs::tell_contacts(&state, &mut tx, &told, now, |channel, to| {
            state.templates.account_deleted(channel, to, language)
        })
        .await?;
    let rows = crate::accounts::erase(
        &mut tx,
        &user.id,
        user.email.as_deref(),
        user.phone.as_deref(),
    )
    .await?;
    if rows.get("users") != Some(&1) {
        return Err(ServiceError::InvalidToken);
    }
    let told = state.teller().deletion(&mut tx, &user, now).await?;
    // The audit keeps that the account existed and its owner deleted it:
    // its id and role, nothing of who the person was.
    crate::admin::audit::record(
        &mut tx,
        now,
        crate::admin::audit::OWNER,
        "delete",
        Some(&user.id),
        serde_json::json!({ "role": user.role.as_str() }),
    )
    .await?;
    tx.commit().await?;
    crate::account::proofs::notices_queued(&state, &notices);
    crate::account::proofs::notices_queued(&state, &told);
    tracing::info!(user = %user.id, "account deleted by its owner");
    Ok(StatusCode::NO_CONTENT)
}
