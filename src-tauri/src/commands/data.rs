//! Data the screens show: the user's encrypted data samples, the Dev inbox
//! and the country list.

use crate::backend::Backend;
use crate::error::CommandError;
use crate::key_operations::KeyOperations;
use serde::{Deserialize, Serialize};
use tauri::State;

/// One message the embedded server "sent", as the phone or mailbox of the
/// person it was for would show it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxMessage {
    pub id: String,
    pub channel: String,
    pub to: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub body: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevInbox {
    /// False when the app talks to a standalone server: its messages go
    /// out for real, and there is nothing to show here.
    pub available: bool,
    /// Newest first.
    pub messages: Vec<InboxMessage>,
}

/// The samples the user may read, opened with this device's key: their own
/// and, for a clinician, those their patients shared with them.
#[tauri::command]
pub async fn samples_list(
    backend: State<'_, Backend>,
) -> Result<Vec<carekey_core::samples::OpenedSample>, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.samples().await?)
}

/// Encrypts a note on this device for the user and their responsible
/// clinician; the server gets only ciphertext.
#[tauri::command]
pub async fn sample_write(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    text: String,
) -> Result<carekey_core::samples::OpenedSample, CommandError> {
    // A note is sealed under a new content key, wrapped for each reader.
    let _running = operations.begin();
    let connection = backend.connection().await?;
    Ok(connection.client.write_sample(&text).await?)
}

/// Where a patient stands with her clinician, and how many earlier notes
/// her device just shared with him.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CareView {
    pub care_status: Option<carekey_api::CareStatus>,
    pub shared: usize,
}

/// Asks where the patient stands with her clinician and, once he accepted
/// her, shares the notes she wrote before (or before he had his current
/// keys) with him.
#[tauri::command]
pub async fn notes_share(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
) -> Result<CareView, CommandError> {
    // Content keys are wrapped again, for the clinician's keys.
    let _running = operations.begin();
    let connection = backend.connection().await?;
    let shared = connection.client.share_earlier_notes().await?;
    let profile = connection.client.profile().await?;
    Ok(CareView {
        care_status: profile.care_status,
        shared,
    })
}

/// How many of the latest messages the panel lists.
const INBOX_LENGTH: usize = 50;

/// The embedded server's outbox: the stand-in for the user's phone and
/// mailbox while no real channel is configured. It holds codes by design;
/// it exists only with the embedded development server.
#[tauri::command]
pub async fn dev_inbox(backend: State<'_, Backend>) -> Result<DevInbox, CommandError> {
    let connection = backend.connection().await?;
    let Some(outbox) = connection.outbox.clone() else {
        return Ok(DevInbox {
            available: false,
            messages: Vec::new(),
        });
    };
    let text = match read_tail(&outbox).await {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            tracing::warn!(%error, "cannot read the outbox");
            return Err(CommandError::new(
                "storage_failed",
                "The Dev inbox could not be read.",
            ));
        }
    };
    Ok(DevInbox {
        available: true,
        messages: latest_messages(&text, INBOX_LENGTH),
    })
}

/// The outbox only grows and the panel asks every second or two: read its
/// end, enough for the latest messages (a message is well under 2 KiB).
const TAIL_BYTES: u64 = 128 * 1024;

async fn read_tail(path: &std::path::Path) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = tokio::fs::File::open(path).await?;
    let length = file.metadata().await?.len();
    let start = length.saturating_sub(TAIL_BYTES);
    file.seek(std::io::SeekFrom::Start(start)).await?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).await?;
    // Starting mid-file lands mid-line (maybe mid-character): drop that line.
    if start > 0 {
        let first_line_end = bytes
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(bytes.len(), |at| at + 1);
        bytes.drain(..first_line_end);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The last `count` readable lines of the outbox, newest first. A line cut
/// short (the server was writing it) is skipped, not an error.
fn latest_messages(outbox: &str, count: usize) -> Vec<InboxMessage> {
    outbox
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str(line).ok())
        .take(count)
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    pub dial: &'static str,
}

/// Countries for the phone field's picker.
#[tauri::command]
pub fn countries() -> Vec<Country> {
    carekey_core::phone::COUNTRIES
        .iter()
        .map(|&(code, name, dial)| Country { code, name, dial })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inbox_lists_the_newest_first_and_skips_a_partial_line() {
        let outbox = concat!(
            r#"{"id":"1","channel":"email","to":"a@example.com","subject":"Your CareKey code: 111111","body":"one"}"#,
            "\n",
            r#"{"id":"2","channel":"sms","to":"+32470123456","body":"two"}"#,
            "\n",
            r#"{"id":"3","channel":"sms","to":"+3247"#,
        );
        let messages = latest_messages(outbox, 10);
        let ids: Vec<&str> = messages.iter().map(|message| message.id.as_str()).collect();
        assert_eq!(ids, ["2", "1"]);
        assert_eq!(messages[0].subject, None);
        assert_eq!(latest_messages(outbox, 1).len(), 1);
    }

    #[tokio::test]
    async fn a_long_outbox_is_read_from_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let line = |id: usize| {
            format!(
                r#"{{"id":"{id}","channel":"sms","to":"+32470123456","body":"{}"}}"#,
                "é".repeat(500)
            )
        };
        let text: String = (0..1000).map(|id| line(id) + "\n").collect();
        std::fs::write(&path, &text).unwrap();
        let tail = read_tail(&path).await.unwrap();
        assert!(tail.len() < text.len());
        let messages = latest_messages(&tail, INBOX_LENGTH);
        assert_eq!(messages.len(), INBOX_LENGTH);
        assert_eq!(messages[0].id, "999");
        assert_eq!(
            read_tail(&dir.path().join("none"))
                .await
                .unwrap_err()
                .kind(),
            std::io::ErrorKind::NotFound
        );
    }
}

/// Where an export was saved.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedAccount {
    /// The JSON document, for another program.
    pub json: String,
    /// The page a person reads.
    pub html: String,
    pub notes: usize,
    /// False when this device has no key: the notes are listed, unread.
    pub notes_opened_here: bool,
}

/// Saves everything the account holds (profile, sessions, key activity,
/// and the person's notes opened with this device's key) where the person
/// chooses: the readable page at the path picked in the save dialog, and
/// the JSON document beside it under the same name (never replacing a file
/// there). `None` when they cancelled: nothing is written.
#[tauri::command]
pub async fn account_export(
    app: tauri::AppHandle,
    backend: State<'_, Backend>,
) -> Result<Option<ExportedAccount>, CommandError> {
    let connection = backend.connection().await?;
    // Gathered first: a refusal or a server away shows before any dialog.
    let export = connection.client.export().await?;
    let json = export.to_json()?;
    let folder = crate::downloads::folder(&app)?;
    let name = crate::downloads::dated_name("CareKey export", "html");
    let Some(page) = crate::downloads::choose(
        &app,
        "Save your CareKey data",
        (&folder, &name),
        ("Web page", &["html", "htm"]),
    )
    .await?
    else {
        return Ok(None);
    };
    let unwritten = |error: std::io::Error| {
        tracing::warn!(%error, "cannot write the export");
        CommandError::new(
            "storage_failed",
            "The export could not be written there. Choose another folder.",
        )
    };
    crate::downloads::write_chosen(&page, export.to_html().as_bytes())
        .await
        .map_err(unwritten)?;
    let beside = page.parent().unwrap_or(&folder);
    let stem = page
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| String::from("CareKey export"));
    let json_path = crate::downloads::write_numbered(beside, &stem, "json", &json)
        .await
        .map_err(unwritten)?;
    tracing::info!(notes = export.notes.len(), "account exported");
    Ok(Some(ExportedAccount {
        json: json_path.display().to_string(),
        html: page.display().to_string(),
        notes: export.notes.len(),
        notes_opened_here: export.notes_opened_here,
    }))
}
