//! A clinician's patients: who named him, and his answer. A patient who
//! named him shares nothing with him until he accepts her, so the list puts
//! those waiting first; the names are what each patient typed, and the
//! screen says so. A patient names another clinician, or none to stop
//! sharing. A clinician's invitations: the one command that hands the
//! window a secret is `invitation_make`, whose links are his to show.

use crate::backend::Backend;
use crate::commands::auth::ProfileView;
use crate::error::CommandError;
use crate::intake::OpenedInvitation;
use carekey_api::{InvitationSummary, Patient};
use serde::Serialize;
use tauri::State;

/// The patients who named the logged-in clinician, those waiting first.
#[tauri::command]
pub async fn patients_list(backend: State<'_, Backend>) -> Result<Vec<Patient>, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.patients().await?)
}

/// Accepts (`accept: true`) or declines a patient who named him.
#[tauri::command]
pub async fn patient_answer(
    backend: State<'_, Backend>,
    patient_id: String,
    accept: bool,
) -> Result<Patient, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection
        .client
        .answer_patient(&patient_id, accept)
        .await?)
}

/// The logged-in patient's clinician from now on (`clinician_id`: his
/// CareKey ID), or none (absent or blank) to stop sharing. Answers her
/// profile; once he accepts her, `notes_share` re-shares her earlier notes.
#[tauri::command]
pub async fn care_set_clinician(
    backend: State<'_, Backend>,
    clinician_id: Option<String>,
) -> Result<ProfileView, CommandError> {
    let clinician_id = clinician_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let connection = backend.connection().await?;
    let profile = connection.client.set_clinician(clinician_id).await?;
    let fingerprint = connection.client.key_fingerprint().await?;
    Ok(ProfileView::new(profile, fingerprint))
}

/// Gives a patient who made a new key the notes of hers this clinician's
/// device can open, wrapped for her keys. Answers how many.
#[tauri::command]
pub async fn patient_reshare(
    backend: State<'_, Backend>,
    patient_id: String,
) -> Result<usize, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.reshare_to_patient(&patient_id).await?)
}

/// A new invitation as the clinician's screen shows it: the links he gives
/// and the QR code of the https one.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationShown {
    pub invitation: InvitationSummary,
    pub link: String,
    pub app_link: String,
    pub qr_svg: String,
}

/// A new invitation of the logged-in clinician's: `uses` patients (1 when
/// absent) within `valid_minutes` (60 when absent).
#[tauri::command]
pub async fn invitation_make(
    backend: State<'_, Backend>,
    uses: Option<u32>,
    valid_minutes: Option<u32>,
) -> Result<InvitationShown, CommandError> {
    let connection = backend.connection().await?;
    let shown = connection.client.invite(uses, valid_minutes).await?;
    Ok(InvitationShown {
        invitation: shown.invitation,
        link: shown.link.expose().to_owned(),
        app_link: shown.app_link.expose().to_owned(),
        qr_svg: shown.qr_svg,
    })
}

/// The logged-in clinician's invitations that still admit someone.
#[tauri::command]
pub async fn invitations_list(
    backend: State<'_, Backend>,
) -> Result<Vec<InvitationSummary>, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.invitations().await?)
}

#[tauri::command]
pub async fn invitation_revoke(
    backend: State<'_, Backend>,
    invitation_id: String,
) -> Result<(), CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.revoke_invitation(&invitation_id).await?)
}

/// The logged-in patient names the clinician whose invitation she opened:
/// she is his patient at once. The invitation is set aside once used.
#[tauri::command]
pub async fn invitation_accept(
    backend: State<'_, Backend>,
    opened: State<'_, OpenedInvitation>,
) -> Result<ProfileView, CommandError> {
    let token = opened.get().ok_or_else(|| {
        CommandError::new(
            "invitation_forgotten",
            "The invitation is no longer open in CareKey. Open its link again.",
        )
    })?;
    let connection = backend.connection().await?;
    let profile = connection.client.accept_invitation(&token).await?;
    opened.forget();
    let fingerprint = connection.client.key_fingerprint().await?;
    Ok(ProfileView::new(profile, fingerprint))
}

/// The person sets the opened invitation aside (or used it to register).
#[tauri::command]
pub fn invitation_forget(opened: State<'_, OpenedInvitation>) {
    opened.forget();
}
