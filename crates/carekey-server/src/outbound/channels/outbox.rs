//! The development outbox: one JSON object per line in a file, standing in
//! for phones and mailboxes.
//!
//! Invariant: each message is one `write` on an `O_APPEND` file, so lines
//! from several instances never interleave.

use crate::outbound::messages::Message;
use crate::outbound::queue::{DeliveryError, TransportName};
use std::path::PathBuf;

/// Development stand-in for phones and mailboxes: one JSON object per line,
/// with at least `channel`, `to` and `body`.
pub(super) struct Outbox {
    pub(super) path: PathBuf,
    pub(super) file: std::sync::Mutex<Option<std::fs::File>>,
}

impl Outbox {
    /// Appends one line with a single `write` on an `O_APPEND` file, so lines
    /// from several instances never interleave. Done in place rather than on
    /// the blocking pool: a short append to the page cache costs less than
    /// the two thread switches of going there.
    pub(super) fn append(&self, job_id: &str, message: &Message) -> Result<(), DeliveryError> {
        use std::io::Write;
        let line = serde_json::json!({
            "id": job_id,
            "channel": message.kind,
            "to": message.to,
            "subject": message.subject,
            "body": message.body,
        });
        let mut bytes = zeroize::Zeroizing::new(line.to_string().into_bytes());
        bytes.push(b'\n');
        let failed = |what: &str, error: std::io::Error| {
            DeliveryError::transient(
                TransportName::Outbox,
                format!("cannot {what}: {}", error.kind()),
            )
        };
        let mut file = self
            .file
            .lock()
            .map_err(|_| DeliveryError::transient(TransportName::Outbox, "lock poisoned"))?;
        if file.is_none() {
            let opened = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|error| failed("open", error))?;
            *file = Some(opened);
        }
        let Some(handle) = file.as_mut() else {
            return Err(DeliveryError::transient(TransportName::Outbox, "not open"));
        };
        handle.write_all(&bytes).map_err(|error| {
            *file = None;
            failed("write", error)
        })
    }
}
