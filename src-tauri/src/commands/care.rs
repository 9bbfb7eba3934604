//! A clinician's patients: who named him, and his answer. A patient who
//! named him shares nothing with him until he accepts her, so the list puts
//! those waiting first; the names are what each patient typed, and the
//! screen says so. A patient names another clinician, or none to stop
//! sharing.

use crate::backend::Backend;
use crate::commands::auth::ProfileView;
use crate::error::CommandError;
use carekey_api::Patient;
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
