//! Everything the account holds, for its owner to keep (GDPR articles 15
//! and 20, access and portability; HIPAA's right of access): the profile,
//! where it is logged in, its key activity, and every note the person wrote,
//! opened on this device. A JSON document for another program, and an HTML
//! page for a person.
//!
//! Invariants: the notes are opened here, with this device's key (the server
//! holds only ciphertext); a note this device cannot open is listed as such
//! (id and date, no text), never left out, so the export never looks more
//! complete than it is. Every value in the HTML page is escaped: a note, a
//! name or a device name is someone's text, never markup.

use crate::client::Client;
use crate::error::CoreError;
use crate::samples::{OpenedSample, opened};
use carekey_api::{AccountSession, AuditEvent, Profile};
use serde::Serialize;

/// The JSON document's format; a reader checks it before anything else.
pub const FORMAT: &str = "carekey-export-1";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountExport {
    pub format: &'static str,
    pub exported_at: String,
    pub server: String,
    pub profile: Profile,
    pub sessions: Vec<AccountSession>,
    pub key_activity: Vec<AuditEvent>,
    /// The notes the person wrote, oldest first.
    pub notes: Vec<OpenedSample>,
    /// Whether this device holds the key that opens them.
    pub notes_opened_here: bool,
}

impl Client {
    /// Gathers the export from the server, opening the notes here.
    pub async fn export(&self) -> Result<AccountExport, CoreError> {
        let profile = self.sessions.profile().await?;
        let sessions = self.account_sessions().await?;
        let key_activity = self.audit().await?.events;
        let pairs = match self.device_key().await {
            Ok((_, pair)) => vec![pair],
            Err(CoreError::NoKey) => Vec::new(),
            Err(error) => return Err(error),
        };
        let listed = self.sealed_samples().await?;
        let mut notes: Vec<OpenedSample> = listed
            .iter()
            .filter(|sample| sample.owner_id == profile.user_id)
            .map(|sample| opened(sample, &pairs))
            .collect();
        notes.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        let exported_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|error| CoreError::Storage(format!("a date: {error}")))?;
        Ok(AccountExport {
            format: FORMAT,
            exported_at,
            server: self.api.base().to_owned(),
            profile,
            sessions,
            key_activity,
            notes_opened_here: !pairs.is_empty(),
            notes,
        })
    }
}

impl AccountExport {
    pub fn to_json(&self) -> Result<Vec<u8>, CoreError> {
        serde_json::to_vec_pretty(self).map_err(|error| CoreError::Storage(error.to_string()))
    }

    /// A page a person reads (and prints): no script, no outside resource.
    pub fn to_html(&self) -> String {
        let profile = &self.profile;
        let mut facts = vec![
            (
                "Name",
                format!("{} {}", profile.first_name, profile.last_name),
            ),
            ("CareKey ID", profile.user_id.clone()),
            (
                "Role",
                match profile.role {
                    carekey_api::Role::Clinician => "Clinician".to_owned(),
                    carekey_api::Role::Patient => "Patient".to_owned(),
                },
            ),
        ];
        if let Some(email) = &profile.email {
            facts.push(("Email", email.clone()));
        }
        if let Some(phone) = &profile.phone {
            facts.push(("Mobile number", phone.clone()));
        }
        if let Some(clinician) = &profile.responsible_clinician_id {
            facts.push(("Clinician's CareKey ID", clinician.clone()));
        }
        facts.push(("Server", self.server.clone()));
        facts.push(("Exported", self.exported_at.clone()));
        let facts: String = facts
            .iter()
            .map(|(name, value)| format!("<dt>{}</dt><dd>{}</dd>", escape(name), escape(value)))
            .collect();
        let notes: String = if self.notes.is_empty() {
            "<p>No notes.</p>".to_owned()
        } else {
            let items: String = self
                .notes
                .iter()
                .map(|note| {
                    let text = match &note.text {
                        Some(text) => format!("<p class=\"note\">{}</p>", escape(text)),
                        None => "<p><em>This device has no key that opens this note.</em></p>"
                            .to_owned(),
                    };
                    format!("<li><time>{}</time>{text}</li>", escape(&note.created_at))
                })
                .collect();
            format!("<ol>{items}</ol>")
        };
        let sessions: String = self
            .sessions
            .iter()
            .map(|session| {
                format!(
                    "<tr><td>{}{}{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&session.device_name),
                    if session.this_device {
                        " (this device)"
                    } else {
                        ""
                    },
                    session
                        .place
                        .as_deref()
                        .map(|place| format!(", near {}", escape(place)))
                        .unwrap_or_default(),
                    escape(&session.created_at),
                    escape(&session.last_seen_at)
                )
            })
            .collect();
        let activity: String = self
            .key_activity
            .iter()
            .map(|event| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&event.at),
                    escape(&event.action),
                    escape(event.detail.as_deref().unwrap_or("")),
                    escape(&event.ip)
                )
            })
            .collect();
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <title>CareKey: everything in {name}'s account</title>\
             <style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
             dt{{font-weight:600}}dd{{margin:0 0 .5rem}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}}\
             .note{{white-space:pre-wrap}}time{{color:#555}}</style></head><body>\
             <h1>Everything in {name}'s CareKey account</h1>\
             <p>Exported from the CareKey server and this device. The notes were opened on this device; the server only ever held them encrypted.</p>\
             <h2>Profile</h2><dl>{facts}</dl>\
             <h2>Notes ({count})</h2>{notes}\
             <h2>Where the account is logged in</h2>\
             <table><tr><th>Device (as it named itself)</th><th>Logged in</th><th>Last seen</th></tr>{sessions}</table>\
             <h2>Key activity</h2>\
             <table><tr><th>When</th><th>What</th><th>Detail</th><th>From</th></tr>{activity}</table>\
             </body></html>",
            name = escape(&format!("{} {}", profile.first_name, profile.last_name)),
            count = self.notes.len(),
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shows_text_and_never_markup() {
        let export = AccountExport {
            format: FORMAT,
            exported_at: "2026-12-04T10:00:00Z".into(),
            server: "http://127.0.0.1:1".into(),
            profile: Profile {
                user_id: "u1".into(),
                group_id: "g".into(),
                role: carekey_api::Role::Patient,
                first_name: "<b>Lisa</b>".into(),
                last_name: "Cuddy".into(),
                email: Some("lisa@example.com".into()),
                phone: None,
                phone_verified: false,
                responsible_clinician_id: None,
                care_status: None,
                guest: false,
                language: None,
            },
            sessions: vec![AccountSession {
                id: "s".into(),
                device_name: "<script>alert(1)</script>".into(),
                created_at: "2026-12-01T00:00:00Z".into(),
                last_seen_at: "2026-12-04T00:00:00Z".into(),
                this_device: true,
                place: Some("Brussels, <Belgium>".into()),
            }],
            key_activity: Vec::new(),
            notes: vec![
                OpenedSample {
                    id: "n1".into(),
                    owner_id: "u1".into(),
                    owner_name: "Lisa Cuddy".into(),
                    created_at: "2026-12-02T00:00:00Z".into(),
                    text: Some("BP 131/84 & <slept badly>".into()),
                    comment: None,
                },
                OpenedSample {
                    id: "n2".into(),
                    owner_id: "u1".into(),
                    owner_name: "Lisa Cuddy".into(),
                    created_at: "2026-12-03T00:00:00Z".into(),
                    text: None,
                    comment: None,
                },
            ],
            notes_opened_here: true,
        };
        let page = export.to_html();
        assert!(
            page.contains("BP 131/84 &amp; &lt;slept badly&gt;"),
            "{page}"
        );
        assert!(
            !page.contains("<script>") && !page.contains("<b>Lisa"),
            "{page}"
        );
        assert!(page.contains("no key that opens this note"));
        assert!(page.contains("near Brussels, &lt;Belgium&gt;"));
        assert!(page.contains("Notes (2)"));
        let json: serde_json::Value = serde_json::from_slice(&export.to_json().unwrap()).unwrap();
        assert_eq!(json["format"], FORMAT);
        assert_eq!(json["notes"][1]["text"], serde_json::Value::Null);
        assert_eq!(json["sessions"][0]["thisDevice"], true);
    }
}
