//! Encrypted data samples (iCure's DataSample), sealed and opened on the
//! device. Each sample gets a random 256-bit content key; the content is
//! XChaCha20-Poly1305 under it, bound to the sample's id and owner (so the
//! server cannot move a ciphertext to another sample or owner); the content
//! key is RSA-OAEP-SHA256-wrapped for every registered key of each
//! recipient. Ciphertext layout: version (1), nonce (24), sealed content.

use crate::error::CoreError;
use crate::keys::{KeyPair, encrypt_to};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{Sample, SampleKeysUpload, SampleUpload, WrappedKey};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

const CIPHERTEXT_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
/// Longest note a person can write (characters); the server caps the
/// ciphertext at 10 KiB.
pub const LONGEST_TEXT: usize = 4000;

/// iCure's `Content`: one value per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    pub string_value: String,
}

/// What is encrypted: the fields of iCure's DataSample a person fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampleBody {
    pub content: BTreeMap<String, Content>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl SampleBody {
    pub fn text(text: &str) -> Self {
        SampleBody {
            content: BTreeMap::from([(
                "en".to_owned(),
                Content {
                    string_value: text.to_owned(),
                },
            )]),
            comment: None,
        }
    }

    /// The English value, or else the first one.
    pub fn first_text(&self) -> &str {
        self.content
            .get("en")
            .or_else(|| self.content.values().next())
            .map_or("", |content| content.string_value.as_str())
    }
}

/// A sample as the device shows it, once opened.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OpenedSample {
    pub id: String,
    pub owner_id: String,
    pub owner_name: String,
    pub created_at: String,
    /// The content, or `None` when none of this device's keys opens it.
    pub text: Option<String>,
    pub comment: Option<String>,
}

/// A recipient's registered public key.
pub struct RecipientKey {
    pub recipient_id: String,
    pub key_id: String,
    pub spki: Vec<u8>,
}

fn associated_data(id: &str, owner_id: &str) -> Vec<u8> {
    let mut aad = b"carekey sample v1\0".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(owner_id.as_bytes());
    aad
}

/// Seals `body` as sample `id` of `owner_id` for `recipients`.
pub fn seal(
    id: &str,
    owner_id: &str,
    body: &SampleBody,
    recipients: &[RecipientKey],
) -> Result<SampleUpload, CoreError> {
    let plaintext = Zeroizing::new(
        serde_json::to_vec(body).map_err(|error| CoreError::Crypto(error.to_string()))?,
    );
    let mut content_key = Zeroizing::new([0u8; 32]);
    crate::random::fill(content_key.as_mut());
    let mut nonce = [0u8; NONCE_LEN];
    crate::random::fill(&mut nonce);
    let cipher = XChaCha20Poly1305::new_from_slice(content_key.as_slice())
        .map_err(|_| CoreError::Crypto("content key".into()))?;
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &plaintext,
                aad: &associated_data(id, owner_id),
            },
        )
        .map_err(|_| CoreError::Crypto("sample encryption".into()))?;
    let mut ciphertext = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    ciphertext.push(CIPHERTEXT_VERSION);
    ciphertext.extend_from_slice(&nonce);
    ciphertext.extend_from_slice(&sealed);
    let recipients: Vec<&RecipientKey> = recipients.iter().collect();
    let keys = wrap_for(content_key.as_slice(), &recipients)?;
    Ok(SampleUpload {
        id: id.to_owned(),
        ciphertext: STANDARD.encode(ciphertext),
        keys,
    })
}

/// The content key of `sample`, unwrapped with whichever of `pairs` it was
/// wrapped for.
fn content_key(sample: &Sample, pairs: &[KeyPair]) -> Result<Zeroizing<Vec<u8>>, CoreError> {
    let unreadable = || CoreError::Crypto("this sample is damaged".into());
    for pair in pairs {
        let key_id = pair.key_id()?;
        if let Some(wrapped) = sample.keys.iter().find(|key| key.key_id == key_id) {
            let wrapped = STANDARD
                .decode(&wrapped.wrapped_key)
                .map_err(|_| unreadable())?;
            return pair.decrypt(&wrapped);
        }
    }
    Err(CoreError::Crypto(
        "this sample was not shared with this device's key".into(),
    ))
}

/// The content key of `sample` wrapped for `recipients` as well: sharing a
/// note again never re-encrypts it, so its id, owner and text stay bound.
pub fn rewrap(
    sample: &Sample,
    pairs: &[KeyPair],
    recipients: &[&RecipientKey],
) -> Result<Vec<WrappedKey>, CoreError> {
    wrap_for(content_key(sample, pairs)?.as_slice(), recipients)
}

fn wrap_for(
    content_key: &[u8],
    recipients: &[&RecipientKey],
) -> Result<Vec<WrappedKey>, CoreError> {
    recipients
        .iter()
        .map(|recipient| {
            Ok(WrappedKey {
                recipient_id: recipient.recipient_id.clone(),
                key_id: recipient.key_id.clone(),
                wrapped_key: STANDARD.encode(encrypt_to(&recipient.spki, content_key)?),
            })
        })
        .collect()
}

/// Opens `sample` with whichever of `pairs` it was wrapped for.
pub fn open(sample: &Sample, pairs: &[KeyPair]) -> Result<SampleBody, CoreError> {
    let unreadable = || CoreError::Crypto("this sample is damaged".into());
    let content_key = content_key(sample, pairs)?;
    let ciphertext = STANDARD
        .decode(&sample.ciphertext)
        .map_err(|_| unreadable())?;
    if ciphertext.len() < 1 + NONCE_LEN || ciphertext[0] != CIPHERTEXT_VERSION {
        return Err(unreadable());
    }
    let cipher =
        XChaCha20Poly1305::new_from_slice(content_key.as_slice()).map_err(|_| unreadable())?;
    let plaintext = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::try_from(&ciphertext[1..1 + NONCE_LEN]).map_err(|_| unreadable())?,
                Payload {
                    msg: &ciphertext[1 + NONCE_LEN..],
                    aad: &associated_data(&sample.id, &sample.owner_id),
                },
            )
            .map_err(|_| unreadable())?,
    );
    serde_json::from_slice(&plaintext).map_err(|_| unreadable())
}

impl crate::Client {
    /// Encrypts `text` as a new sample of the logged-in user, for every
    /// registered key of theirs and of their responsible clinician.
    pub async fn write_sample(&self, text: &str) -> Result<OpenedSample, CoreError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > LONGEST_TEXT {
            return Err(CoreError::NoteLength);
        }
        let (user_id, pair) = self.device_key().await?;
        let recipients = self.recipients_of(&user_id).await?;
        // The device's own key may not be registered yet (a failed upload):
        // the sample must still open here.
        let own_key_id = pair.key_id()?;
        if !recipients.iter().any(|key| key.key_id == own_key_id) {
            return Err(CoreError::Crypto(
                "this device's key is not registered with the server; log out and in again".into(),
            ));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let upload = seal(&id, &user_id, &SampleBody::text(text), &recipients)?;
        let stored = self
            .sessions
            .with_token(|token| {
                let upload = upload.clone();
                async move { self.api.create_sample(&token, &upload).await }
            })
            .await?;
        Ok(opened(&stored, std::slice::from_ref(&pair)))
    }

    /// Every sample the user may read (their own and those shared with
    /// them), as the server has them: sealed.
    pub(crate) async fn sealed_samples(&self) -> Result<Vec<Sample>, CoreError> {
        let samples = self
            .sessions
            .with_token(|token| async move { self.api.samples(&token).await })
            .await?;
        Ok(samples.samples)
    }

    /// Adds `keys` (a sample's content key wrapped for more registered
    /// keys) to the sample `id`; the server keeps those it lacks.
    pub(crate) async fn add_sample_keys(
        &self,
        id: &str,
        keys: Vec<WrappedKey>,
    ) -> Result<Sample, CoreError> {
        let upload = SampleKeysUpload { keys };
        self.sessions
            .with_token(|token| {
                let upload = upload.clone();
                async move { self.api.share_sample(&token, id, &upload).await }
            })
            .await
    }

    /// Shares the user's notes with every current key of the clinician who
    /// accepted them, where a note lacks one: those written while he had not
    /// yet accepted (or carried over from a guest then), and all of them
    /// when he adds a device. Answers how many notes it shared. Notes this
    /// device cannot open are left for a device that can.
    pub async fn share_earlier_notes(&self) -> Result<usize, CoreError> {
        let profile = self.profile().await?;
        if !crate::care::shares_with_clinician(&profile) {
            return Ok(0);
        }
        let (user_id, pair) = self.device_key().await?;
        let recipients = self.recipients_of(&user_id).await?;
        let samples = self.sealed_samples().await?;
        let mut shared = 0;
        for sample in samples.iter().filter(|sample| sample.owner_id == user_id) {
            let missing: Vec<&RecipientKey> = recipients
                .iter()
                .filter(|recipient| {
                    !sample.shared_with.iter().any(|held| {
                        held.recipient_id == recipient.recipient_id
                            && held.key_id == recipient.key_id
                    })
                })
                .collect();
            if missing.is_empty() {
                continue;
            }
            let keys = match rewrap(sample, std::slice::from_ref(&pair), &missing) {
                Ok(keys) => keys,
                Err(error) => {
                    tracing::info!(%error, "a note this device cannot open stays as it is");
                    continue;
                }
            };
            self.add_sample_keys(&sample.id, keys).await?;
            shared += 1;
        }
        if shared > 0 {
            tracing::info!(shared, "earlier notes shared with the clinician");
        }
        Ok(shared)
    }

    /// The samples the user may read, newest first, opened with this
    /// device's key (those it cannot open are listed without text).
    pub async fn samples(&self) -> Result<Vec<OpenedSample>, CoreError> {
        let (_, pair) = self.device_key().await?;
        let samples = self.sealed_samples().await?;
        Ok(samples
            .iter()
            .map(|sample| opened(sample, std::slice::from_ref(&pair)))
            .collect())
    }
}

pub(crate) fn opened(sample: &Sample, pairs: &[KeyPair]) -> OpenedSample {
    let body = open(sample, pairs).ok();
    OpenedSample {
        id: sample.id.clone(),
        owner_id: sample.owner_id.clone(),
        owner_name: sample.owner_name.clone(),
        created_at: sample.created_at.clone(),
        text: body.as_ref().map(|body| body.first_text().to_owned()),
        comment: body.and_then(|body| body.comment),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_opens_for_each_recipient_and_only_where_it_was_made() {
        let (owner, clinician, stranger) = (
            KeyPair::generate(|_| {}).unwrap(),
            KeyPair::generate(|_| {}).unwrap(),
            KeyPair::generate(|_| {}).unwrap(),
        );
        let recipient = |id: &str, pair: &KeyPair| RecipientKey {
            recipient_id: id.into(),
            key_id: pair.key_id().unwrap(),
            spki: pair.public_spki_der().unwrap(),
        };
        let body = SampleBody::text("Blood pressure 120/80");
        let upload = seal(
            "s-1",
            "patient",
            &body,
            &[recipient("patient", &owner), recipient("doc", &clinician)],
        )
        .unwrap();
        let sample = Sample {
            id: upload.id.clone(),
            owner_id: "patient".into(),
            owner_name: "P".into(),
            created_at: "t".into(),
            ciphertext: upload.ciphertext.clone(),
            keys: upload.keys.clone(),
            shared_with: Vec::new(),
        };
        assert_eq!(open(&sample, std::slice::from_ref(&owner)).unwrap(), body);
        assert_eq!(
            open(&sample, std::slice::from_ref(&clinician)).unwrap(),
            body
        );
        assert!(open(&sample, std::slice::from_ref(&stranger)).is_err());
        // Moved to another id or owner, it no longer opens.
        let moved = Sample {
            id: "s-2".into(),
            ..sample.clone()
        };
        assert!(open(&moved, std::slice::from_ref(&owner)).is_err());
        let moved = Sample {
            owner_id: "doc".into(),
            ..sample
        };
        assert!(open(&moved, std::slice::from_ref(&owner)).is_err());
        assert!(!upload.ciphertext.contains("Blood"));
    }
}
