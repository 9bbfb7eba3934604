//! A clinician's patients: who named him, and his answer. A patient who
//! named him shares nothing with him until he accepts her, so the list puts
//! those waiting first; the names are what each patient typed, and the
//! screen says so.

use crate::backend::Backend;
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
