//! Guests: a session before any login, and what it leaves behind when the
//! person logs in (Konsulin's "anonymous to authenticated").
//!
//! The server never re-labels a guest's data: a note is encrypted under its
//! owner's id and only this device holds the guest's key. So at login the
//! device carries the guest's notes over itself (opened with the guest's
//! key, sealed again for the account and its clinician), merges the
//! preferences (the account's own values win), and then closes the guest
//! account. Each carried note gets an id derived from the guest note and the
//! account, so a carry-over that is interrupted and run again never makes a
//! note twice; a guest that could not be closed stays set aside in the
//! keychain and is carried over at the next start.

use crate::client::private_key_entry;
use crate::error::CoreError;
use crate::samples::{RecipientKey, seal};
use crate::vault::blocking;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{Profile, UserSettings};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What came over from the guest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CarriedOver {
    pub notes: usize,
    pub preferences: usize,
    /// The guest's key became the account's (a new account had none).
    pub key: bool,
}

/// The id of the account's copy of a guest note: the same on every run.
fn carried_id(guest_sample_id: &str, account_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"carekey guest carry-over v1\0")
        .chain_update(guest_sample_id.as_bytes())
        .chain_update([0])
        .chain_update(account_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

impl crate::Client {
    /// An anonymous session on this device, before any login; the guest
    /// this device already is, if it is one (a second guest would orphan
    /// the first one's notes).
    pub async fn start_as_guest(&self) -> Result<Profile, CoreError> {
        if self.sessions.user_id().await.is_some()
            && let Ok(profile) = self.sessions.profile().await
            && profile.guest
        {
            return Ok(profile);
        }
        let request = carekey_api::GuestRequest {
            captcha_token: self.take_captcha().await,
            device_name: Some(crate::client::device_name()),
        };
        let response = self.api.start_guest(&request).await?;
        self.sessions.begin_as_guest(&response).await?;
        self.sessions.profile().await
    }

    /// The person's preferences (from the account, or the guest's).
    pub async fn preferences(&self) -> Result<UserSettings, CoreError> {
        self.sessions
            .with_token(|token| async move { self.api.settings(&token).await })
            .await
    }

    pub async fn save_preferences(
        &self,
        settings: &UserSettings,
    ) -> Result<UserSettings, CoreError> {
        self.sessions
            .with_token(|token| async move { self.api.save_settings(&token, settings).await })
            .await
    }

    /// Carries a set-aside guest over; a failure is logged and left for the
    /// next start (the guest stays in the keychain).
    pub(crate) async fn carry_over_guest_or_later(&self) -> Option<CarriedOver> {
        match self.carry_over_guest().await {
            Ok(carried) => carried,
            Err(error) => {
                tracing::warn!(%error, "the guest's data stays aside until the next start");
                None
            }
        }
    }

    /// Carries the guest set aside on this device (if any) into the
    /// logged-in account, then closes the guest account.
    pub async fn carry_over_guest(&self) -> Result<Option<CarriedOver>, CoreError> {
        let Some(guest_id) = self.guest_sessions.load().await? else {
            return Ok(None);
        };
        let account_id = self.user_id().await?;
        let guest_pair = self.stored_key(&guest_id).await?;
        let mut carried = CarriedOver::default();

        // A new account takes the guest's key: nothing to make, and the
        // guest's notes are already readable with it.
        let account = account_id.as_str();
        let account_keys = self
            .sessions
            .with_token(|token| async move { self.api.user_keys(&token, account).await })
            .await?;
        if let Some(pair) = &guest_pair
            && account_keys.keys.is_empty()
            && self.stored_key(&account_id).await?.is_none()
        {
            self.adopt_key(&account_id, pair).await?;
            carried.key = true;
        }

        let guest_notes = self
            .guest_sessions
            .with_token(|token| async move { self.api.samples(&token).await })
            .await?;
        let own_notes: Vec<_> = guest_notes
            .samples
            .iter()
            .filter(|sample| sample.owner_id == guest_id)
            .collect();
        if !own_notes.is_empty() {
            let Some(pair) = &guest_pair else {
                return Err(CoreError::Crypto(
                    "the notes written as a guest can only be opened on the device that wrote them"
                        .into(),
                ));
            };
            let recipients = self.recipients_of(&account_id).await?;
            let already: Vec<String> = self
                .sealed_samples()
                .await?
                .into_iter()
                .map(|sample| sample.id)
                .collect();
            for note in own_notes {
                let id = carried_id(&note.id, &account_id);
                if already.contains(&id) {
                    continue;
                }
                let body = crate::samples::open(note, std::slice::from_ref(pair))?;
                let upload = seal(&id, &account_id, &body, &recipients)?;
                self.sessions
                    .with_token(|token| {
                        let upload = upload.clone();
                        async move { self.api.create_sample(&token, &upload).await }
                    })
                    .await?;
                carried.notes += 1;
            }
        }

        let guest_settings = self
            .guest_sessions
            .with_token(|token| async move { self.api.settings(&token).await })
            .await?;
        if !guest_settings.values.is_empty() {
            let mut merged = self.preferences().await?;
            for (name, value) in guest_settings.values {
                if !merged.values.contains_key(&name) {
                    merged.values.insert(name, value);
                    carried.preferences += 1;
                }
            }
            if carried.preferences > 0 {
                self.save_preferences(&merged).await?;
            }
        }

        self.guest_sessions
            .with_token(|token| async move { self.api.close_guest(&token).await })
            .await?;
        self.guest_sessions.discard().await?;
        let (store, entry) = (self.store.clone(), private_key_entry(&guest_id));
        blocking(move || store.delete(&entry)).await?;
        tracing::info!(
            notes = carried.notes,
            preferences = carried.preferences,
            key = carried.key,
            "guest carried over"
        );
        Ok(Some(carried))
    }

    /// Every registered key of `owner` and of their responsible clinician,
    /// once he has accepted them (before, the server would refuse both).
    pub(crate) async fn recipients_of(&self, owner: &str) -> Result<Vec<RecipientKey>, CoreError> {
        let profile = self.profile().await?;
        let mut readers = vec![owner.to_owned()];
        if crate::care::shares_with_clinician(&profile) {
            readers.extend(profile.responsible_clinician_id.clone());
        }
        let mut recipients = Vec::new();
        for reader in &readers {
            recipients.extend(self.registered_keys(reader).await?);
        }
        Ok(recipients)
    }

    /// The keys `user` registered (not revoked), as the server hands them
    /// out: only the caller's own and those of a patient or clinician the
    /// caller shares with.
    pub(crate) async fn registered_keys(&self, user: &str) -> Result<Vec<RecipientKey>, CoreError> {
        let keys = self
            .sessions
            .with_token(|token| async move { self.api.user_keys(&token, user).await })
            .await?;
        keys.keys
            .into_iter()
            .map(|key| {
                Ok(RecipientKey {
                    recipient_id: user.to_owned(),
                    key_id: key.key_id,
                    spki: STANDARD
                        .decode(&key.public_key)
                        .map_err(|_| CoreError::BadAnswer)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_carried_note_has_the_same_id_on_every_run() {
        let first = carried_id("0192-a", "account-1");
        assert_eq!(first, carried_id("0192-a", "account-1"));
        assert_ne!(first, carried_id("0192-b", "account-1"));
        assert_ne!(first, carried_id("0192-a", "account-2"));
        assert!(uuid::Uuid::parse_str(&first).is_ok());
    }
}
