//! Keeping the user's key beyond this device: the password backup, the
//! recovery key, the transfer to a new device, a backup file, and restoring
//! from each (flows 7 and 8). Every envelope is sealed and opened here, on
//! the device; the server only stores them.
//!
//! The password backup on the server is envelope format 2: its key also
//! needs the server's OPRF, evaluated on a blinded input, each opening a
//! try the server counts (issue 18). A format 1 backup still opens, and is
//! sealed again as format 2 once it has; so is a format 2 backup under a
//! key the server no longer seals with. The backup file stays format 1: it
//! must open without the server.

use crate::client::Client;
use crate::envelope::{self, Argon2Params, EnvelopeError, OprfBinding, Purpose, Secret};
use crate::error::CoreError;
use crate::keys::KeyPair;
use crate::recovery::{RecoveryKey, TransferCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{
    AuditLog, BackupInfo, BackupKind, BackupUpload, Backups, OprfAnswer, OprfConfirmation,
    OprfRequest, OprfSealed, TransferUpload,
};
use serde::Serialize;
use sha2::Digest;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// zxcvbn's score (0-4) a backup password must reach. A stolen envelope
/// faces an offline attack: at desktop costs one guess takes about 0.2 s of
/// a core and 64 MiB, so score 3 (from 10^8 guesses) falls to about 230
/// core-days, while 4 (10^10 guesses and up) needs some 60 core-years. For
/// a key to someone's health data, 4 it is; four unrelated words get there.
pub const LEAST_PASSWORD_SCORE: u8 = 4;

/// How strong a backup password is, for the meter under the field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PasswordStrength {
    /// 0 (guessed at once) to 4 (very strong).
    pub score: u8,
    pub acceptable: bool,
    /// Why it is weak, when it is (zxcvbn's English sentence).
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
    /// The warning's and suggestions' names (zxcvbn's variants, e.g.
    /// `ThisIsACommonPassword`), for the page to say them in its language.
    pub warning_code: Option<String>,
    pub suggestion_codes: Vec<String>,
}

/// zxcvbn (Dropbox's estimator), told the person's own details so that a
/// password made of their name scores low.
pub fn password_strength(password: &str, own_words: &[&str]) -> PasswordStrength {
    if password.is_empty() {
        return PasswordStrength {
            score: 0,
            acceptable: false,
            warning: None,
            suggestions: Vec::new(),
            warning_code: None,
            suggestion_codes: Vec::new(),
        };
    }
    // zxcvbn matches the person's words against the lowercased password.
    let own_words: Vec<String> = own_words.iter().map(|word| word.to_lowercase()).collect();
    let own_words: Vec<&str> = own_words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &own_words);
    let score = u8::from(estimate.score());
    let feedback = estimate.feedback();
    let warning = feedback.and_then(|feedback| feedback.warning());
    let suggestions = feedback.map_or(&[][..], |feedback| feedback.suggestions());
    PasswordStrength {
        score,
        acceptable: score >= LEAST_PASSWORD_SCORE,
        warning: warning.map(|warning| warning.to_string()),
        suggestions: suggestions.iter().map(ToString::to_string).collect(),
        warning_code: warning.map(|warning| format!("{warning:?}")),
        suggestion_codes: suggestions
            .iter()
            .map(|suggestion| format!("{suggestion:?}"))
            .collect(),
    }
}

/// How far sealing or opening has gone. Argon2 gives no progress of its
/// own: `Deriving` ticks with the time spent so far.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "stage")]
pub enum BackupProgress {
    Fetching,
    Deriving { elapsed_ms: u64 },
    Storing,
    Done { elapsed_ms: u64 },
}

pub type Progress = Arc<dyn Fn(BackupProgress) + Send + Sync>;

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Runs CPU-heavy envelope work on a blocking thread, ticking `progress`
/// every 100 ms until it ends.
async fn derive_off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, envelope::EnvelopeError> + Send + 'static,
    progress: &Progress,
) -> Result<T, CoreError> {
    let started = Instant::now();
    let mut task = tokio::task::spawn_blocking(work);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            done = &mut task => {
                return done
                    .map_err(|error| CoreError::Crypto(format!("backup task: {error}")))?
                    .map_err(CoreError::from);
            }
            _ = tick.tick() => progress(BackupProgress::Deriving { elapsed_ms: elapsed_ms(started) }),
        }
    }
}

/// A recovery key on screen: its text to write down and a QR code of it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShownSecret {
    #[serde(serialize_with = "plain_text")]
    pub text: Zeroizing<String>,
    pub qr_svg: String,
}

fn plain_text<S: serde::Serializer>(
    text: &Zeroizing<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

impl std::fmt::Debug for ShownSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShownSecret(redacted)")
    }
}

/// A transfer waiting on the server for the new device.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferShown {
    pub code: ShownSecret,
    pub expires_at: String,
}

/// An envelope as the server sent it (standard base64).
fn envelope_bytes(encoded: &str) -> Result<Vec<u8>, CoreError> {
    STANDARD.decode(encoded).map_err(|_| CoreError::BadAnswer)
}

/// A field of the server's answer of exactly `N` bytes (base64).
fn exact<const N: usize>(encoded: &str) -> Result<[u8; N], CoreError> {
    STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or(CoreError::BadAnswer)
}

/// The password's Argon2id, on a blocking thread.
async fn stretched(
    password: &Zeroizing<String>,
    salt: [u8; envelope::SALT_LEN],
    params: Argon2Params,
    progress: &Progress,
) -> Result<Zeroizing<[u8; envelope::STRETCHED_LEN]>, CoreError> {
    let password = password.clone();
    derive_off_thread(
        move || envelope::stretch(&password, &salt, params),
        progress,
    )
    .await
}

impl Client {
    /// Which backups the account has.
    pub async fn backups(&self) -> Result<Backups, CoreError> {
        self.sessions
            .with_token(|token| async move { self.api.backups(&token).await })
            .await
    }

    pub async fn audit(&self) -> Result<AuditLog, CoreError> {
        self.sessions
            .with_token(|token| async move { self.api.audit(&token).await })
            .await
    }

    async fn store_envelope(
        &self,
        kind: BackupKind,
        envelope: &[u8],
        oprf: Option<OprfSealed>,
    ) -> Result<BackupInfo, CoreError> {
        let current = self
            .backups()
            .await?
            .backups
            .into_iter()
            .find(|backup| backup.kind == kind)
            .map_or(0, |backup| backup.version);
        let upload = BackupUpload {
            envelope: STANDARD.encode(envelope),
            expected_version: Some(current),
            oprf,
        };
        self.sessions
            .with_token(|token| {
                let upload = upload.clone();
                async move { self.api.store_backup(&token, kind, &upload).await }
            })
            .await
    }

    /// Refuses a password zxcvbn scores under [`LEAST_PASSWORD_SCORE`],
    /// taking the person's own names and address into account.
    async fn check_password(&self, password: &str) -> Result<(), CoreError> {
        let profile = self.profile().await?;
        let own_words: Vec<&str> = [
            profile.first_name.as_str(),
            profile.last_name.as_str(),
            profile.email.as_deref().unwrap_or(""),
            "carekey",
        ]
        .into_iter()
        .filter(|word| !word.is_empty())
        .collect();
        let strength = password_strength(password, &own_words);
        if strength.acceptable {
            return Ok(());
        }
        Err(CoreError::WeakPassword(match strength.warning {
            Some(warning) => format!("this password is too easy to guess. {warning}"),
            None => "this password is too easy to guess; make it longer".into(),
        }))
    }

    /// Seals this device's key under `password` (it must be strong enough)
    /// and stores it on the server, replacing an earlier password backup.
    pub async fn set_backup_password(
        &self,
        password: Zeroizing<String>,
        progress: Progress,
    ) -> Result<BackupInfo, CoreError> {
        let (user_id, pair) = self.device_key().await?;
        self.check_password(&password).await?;
        self.seal_password_backup(&user_id, &pair, &password, &progress)
            .await
    }

    /// Blinds `stretched`, has the server evaluate it (for sealing: under a
    /// fresh context; for opening: a try), and answers its answer and the
    /// OPRF output, once the proof shows the answer was made with
    /// `expected_key` (opening: the envelope's; sealing: the answer's own).
    async fn oprf_round(
        &self,
        stretched: &[u8; envelope::STRETCHED_LEN],
        expected_key: Option<&[u8; crate::oprf::ELEMENT_LEN]>,
    ) -> Result<(OprfAnswer, Zeroizing<[u8; crate::oprf::OUTPUT_LEN]>), CoreError> {
        let blinded =
            crate::oprf::blind(stretched).map_err(|error| CoreError::Crypto(error.to_string()))?;
        let request = OprfRequest {
            blinded_element: STANDARD.encode(blinded.element),
        };
        let sealing = expected_key.is_none();
        let answer = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move {
                    if sealing {
                        self.api.oprf_for_sealing(&token, &request).await
                    } else {
                        self.api.oprf_for_opening(&token, &request).await
                    }
                }
            })
            .await?;
        let public_key = match expected_key {
            Some(key) => *key,
            None => exact(&answer.public_key)?,
        };
        let evaluated = envelope_bytes(&answer.evaluated_element)?;
        let proof = envelope_bytes(&answer.proof)?;
        let output = blinded
            .finalize(stretched, &evaluated, &proof, &public_key)
            .map_err(|_| CoreError::OprfUnverified)?;
        Ok((answer, output))
    }

    /// Seals `pair` under `password` as a format 2 backup (the server's OPRF
    /// under a fresh context) and stores it with its confirmation's hash.
    async fn seal_password_backup(
        &self,
        user_id: &str,
        pair: &KeyPair,
        password: &Zeroizing<String>,
        progress: &Progress,
    ) -> Result<BackupInfo, CoreError> {
        let started = Instant::now();
        let params = Argon2Params::for_this_platform();
        let salt = envelope::fresh_salt();
        let stretched = stretched(password, salt, params, progress).await?;
        let (answer, oprf) = self.oprf_round(&stretched, None).await?;
        let binding = OprfBinding {
            key_id: answer.key_id.clone(),
            context: exact(&answer.context)?,
            public_key: exact(&answer.public_key)?,
        };
        if !OprfBinding::key_id_is_valid(&binding.key_id) {
            return Err(CoreError::BadAnswer);
        }
        let secret = Secret::Hardened {
            stretched: &stretched,
            oprf: &oprf,
        };
        let sealed = envelope::seal_hardened(
            &secret,
            user_id,
            std::slice::from_ref(pair),
            params,
            &salt,
            &binding,
        )?;
        let confirmation = envelope::confirmation(&stretched, &oprf, &salt)?;
        let sealed_with = OprfSealed {
            context: answer.context,
            confirmation_hash: STANDARD.encode(sha2::Sha256::digest(confirmation.as_slice())),
        };
        progress(BackupProgress::Storing);
        let info = self
            .store_envelope(BackupKind::Password, &sealed, Some(sealed_with))
            .await?;
        progress(BackupProgress::Done {
            elapsed_ms: elapsed_ms(started),
        });
        Ok(info)
    }

    /// Makes a recovery key and shows it; nothing is stored until the person
    /// says it is written down ([`Client::confirm_recovery_key`]).
    pub async fn prepare_recovery_key(&self) -> Result<ShownSecret, CoreError> {
        self.device_key().await?;
        let key = RecoveryKey::generate();
        let text = key.display();
        let qr_svg = crate::recovery::qr_svg(&text)?;
        self.begin();
        *self.pending_recovery.lock().await = Some(key);
        Ok(ShownSecret { text, qr_svg })
    }

    /// Seals this device's key under the recovery key just shown, and
    /// stores it, replacing the previous one (which stops working).
    pub async fn confirm_recovery_key(&self) -> Result<BackupInfo, CoreError> {
        let (user_id, pair) = self.device_key().await?;
        let key = self
            .pending_recovery
            .lock()
            .await
            .take()
            .ok_or(CoreError::NoPendingLogin)?;
        let sealed = envelope::seal(
            Purpose::RecoveryBackup,
            &Secret::Key(key.bytes()),
            &user_id,
            std::slice::from_ref(&pair),
            Argon2Params::for_this_platform(),
        )?;
        self.store_envelope(BackupKind::Recovery, &sealed, None)
            .await
    }

    /// The logged-in user, on a device that has no key for them yet: the
    /// only place a key may be restored. (Restoring never overwrites.)
    async fn keyless_user(&self) -> Result<String, CoreError> {
        let user_id = self.user_id().await?;
        if self.stored_key(&user_id).await?.is_some() {
            return Err(CoreError::HasKey);
        }
        Ok(user_id)
    }

    /// Takes `pairs[0]` (the current key: sealing writes it first) as this
    /// device's key. A device that already has a key keeps it: restoring
    /// never overwrites.
    async fn adopt_restored(
        &self,
        user_id: &str,
        pairs: Vec<KeyPair>,
    ) -> Result<String, CoreError> {
        // Checked again after the slow part: another restore may have
        // finished meanwhile, and its key must not be replaced.
        if self.stored_key(user_id).await?.is_some() {
            return Err(CoreError::HasKey);
        }
        let pair = pairs.into_iter().next().ok_or(CoreError::NoKey)?;
        self.adopt_key(user_id, &pair).await?;
        pair.fingerprint()
    }

    /// Restores this device's key from the password backup.
    pub async fn restore_with_password(
        &self,
        password: Zeroizing<String>,
        progress: Progress,
    ) -> Result<String, CoreError> {
        let user_id = self.keyless_user().await?;
        progress(BackupProgress::Fetching);
        let backup = self
            .sessions
            .with_token(
                |token| async move { self.api.fetch_backup(&token, BackupKind::Password).await },
            )
            .await?;
        let sealed = envelope_bytes(&backup.envelope)?;
        self.restore_from_envelope(&user_id, sealed, password, progress, true)
            .await
    }

    /// Opens a password envelope (format 1 with the password alone, format
    /// 2 with the server's OPRF too) and keeps its key. The server's own
    /// backup (`from_server`) is sealed again as format 2 under the
    /// server's current key when it was format 1 or under an older key.
    async fn restore_from_envelope(
        &self,
        user_id: &str,
        sealed: Vec<u8>,
        password: Zeroizing<String>,
        progress: Progress,
        from_server: bool,
    ) -> Result<String, CoreError> {
        let started = Instant::now();
        let described = envelope::describe(&sealed)?;
        // Checked before a try is spent on it.
        if described.owner_id != user_id {
            return Err(EnvelopeError::WrongOwner.into());
        }
        let (pairs, reseal) = match described.hardening {
            None => {
                let owner = user_id.to_owned();
                let typed = password.clone();
                let pairs = derive_off_thread(
                    move || {
                        envelope::open(
                            &sealed,
                            Purpose::PasswordBackup,
                            &Secret::Password(&typed),
                            &owner,
                        )
                    },
                    &progress,
                )
                .await?;
                (pairs, from_server)
            }
            Some((binding, salt)) => {
                let params = described.params.ok_or(EnvelopeError::MalformedHeader)?;
                let stretched = stretched(&password, salt, params, &progress).await?;
                let (answer, oprf) = self
                    .oprf_round(&stretched, Some(&binding.public_key))
                    .await?;
                if exact::<{ envelope::CONTEXT_LEN }>(&answer.context)? != binding.context {
                    // Not the backup the server holds now (a replaced one).
                    return Err(EnvelopeError::KeyMismatch.into());
                }
                let secret = Secret::Hardened {
                    stretched: &stretched,
                    oprf: &oprf,
                };
                let pairs = match envelope::open(&sealed, Purpose::PasswordBackup, &secret, user_id)
                {
                    Err(EnvelopeError::WrongSecret) => {
                        return Err(CoreError::WrongBackupPassword {
                            tries_left: answer.tries_left.unwrap_or(0),
                        });
                    }
                    opened => opened?,
                };
                let confirmation = OprfConfirmation {
                    confirmation: STANDARD
                        .encode(envelope::confirmation(&stretched, &oprf, &salt)?.as_slice()),
                };
                self.sessions
                    .with_token(|token| {
                        let confirmation = confirmation.clone();
                        async move { self.api.oprf_confirm(&token, &confirmation).await }
                    })
                    .await?;
                (pairs, from_server && answer.key_id != answer.current_key_id)
            }
        };
        progress(BackupProgress::Storing);
        let fingerprint = self.adopt_restored(user_id, pairs).await?;
        if reseal {
            // The key is restored whatever happens here; the next open
            // seals it again.
            let resealed = match self.device_key().await {
                Ok((_, pair)) => {
                    self.seal_password_backup(user_id, &pair, &password, &progress)
                        .await
                }
                Err(error) => Err(error),
            };
            if let Err(error) = resealed {
                tracing::warn!(
                    code = error.code(),
                    "the password backup was not sealed again"
                );
            }
        }
        progress(BackupProgress::Done {
            elapsed_ms: elapsed_ms(started),
        });
        Ok(fingerprint)
    }

    /// Restores this device's key from the recovery backup, with the
    /// recovery key as the person typed it.
    pub async fn restore_with_recovery_key(&self, typed: &str) -> Result<String, CoreError> {
        let key = RecoveryKey::parse(typed)?;
        let user_id = self.keyless_user().await?;
        let backup = self
            .sessions
            .with_token(
                |token| async move { self.api.fetch_backup(&token, BackupKind::Recovery).await },
            )
            .await?;
        let sealed = envelope_bytes(&backup.envelope)?;
        let pairs = envelope::open(
            &sealed,
            Purpose::RecoveryBackup,
            &Secret::Key(key.bytes()),
            &user_id,
        )?;
        self.adopt_restored(&user_id, pairs).await
    }

    /// On the device that has the key: seals it under a fresh one-time
    /// secret and leaves it on the server for a few minutes; the code to
    /// show holds the transfer id and the secret.
    pub async fn offer_transfer(&self) -> Result<TransferShown, CoreError> {
        let (user_id, pair) = self.device_key().await?;
        let secret = TransferCode::new_secret();
        let sealed = envelope::seal(
            Purpose::Transfer,
            &Secret::Key(&secret),
            &user_id,
            std::slice::from_ref(&pair),
            Argon2Params::for_this_platform(),
        )?;
        let upload = TransferUpload {
            envelope: STANDARD.encode(sealed),
        };
        let offer = self
            .sessions
            .with_token(|token| {
                let upload = upload.clone();
                async move { self.api.offer_transfer(&token, &upload).await }
            })
            .await?;
        let code = TransferCode::new(offer.transfer_id, secret);
        let text = code.text();
        let qr_svg = crate::recovery::qr_svg(&text)?;
        Ok(TransferShown {
            code: ShownSecret { text, qr_svg },
            expires_at: offer.expires_at,
        })
    }

    /// On the new device: takes the transfer named by the code (scanned or
    /// pasted) and keeps the key. The code is checked before the server is
    /// asked, so a typo costs nothing; the transfer is gone once taken.
    pub async fn take_transfer(&self, text: &str) -> Result<String, CoreError> {
        let code = TransferCode::parse(text)?;
        let user_id = self.keyless_user().await?;
        let transfer_id = code.transfer_id.clone();
        let transfer = self
            .sessions
            .with_token(|token| {
                let transfer_id = transfer_id.clone();
                async move { self.api.take_transfer(&token, &transfer_id).await }
            })
            .await?;
        let sealed = envelope_bytes(&transfer.envelope)?;
        let pairs = envelope::open(
            &sealed,
            Purpose::Transfer,
            &Secret::Key(code.secret()),
            &user_id,
        )?;
        self.adopt_restored(&user_id, pairs).await
    }

    /// A password backup as a file's bytes, sealed afresh under `password`
    /// (asked again: the app never keeps it), to keep away from the server.
    pub async fn export_backup(
        &self,
        password: Zeroizing<String>,
        progress: Progress,
    ) -> Result<Vec<u8>, CoreError> {
        let (user_id, pair) = self.device_key().await?;
        self.check_password(&password).await?;
        let owner = user_id.clone();
        derive_off_thread(
            move || {
                envelope::seal(
                    Purpose::PasswordBackup,
                    &Secret::Password(&password),
                    &owner,
                    std::slice::from_ref(&pair),
                    Argon2Params::for_this_platform(),
                )
            },
            &progress,
        )
        .await
    }

    /// Restores this device's key from a backup file and its password.
    pub async fn restore_from_file(
        &self,
        file: Vec<u8>,
        password: Zeroizing<String>,
        progress: Progress,
    ) -> Result<String, CoreError> {
        let user_id = self.keyless_user().await?;
        self.restore_from_envelope(&user_id, file, password, progress, false)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app says zxcvbn's advice in its own language by the advice's
    /// name (`strength-<name>` in assets/locales/*/app.ftl): every warning
    /// and suggestion zxcvbn can give has its sentence there, and a
    /// password's advice comes with those names.
    #[test]
    fn every_piece_of_advice_has_a_name_the_app_catalog_says() {
        use zxcvbn::feedback::{Suggestion as S, Warning as W};
        let catalog = include_str!("../../../assets/locales/en/app.ftl");
        let warnings = [
            W::StraightRowsOfKeysAreEasyToGuess,
            W::ShortKeyboardPatternsAreEasyToGuess,
            W::RepeatsLikeAaaAreEasyToGuess,
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            W::ThisIsATop10Password,
            W::ThisIsATop100Password,
            W::ThisIsACommonPassword,
            W::ThisIsSimilarToACommonlyUsedPassword,
            W::SequencesLikeAbcAreEasyToGuess,
            W::RecentYearsAreEasyToGuess,
            W::AWordByItselfIsEasyToGuess,
            W::DatesAreOftenEasyToGuess,
            W::NamesAndSurnamesByThemselvesAreEasyToGuess,
            W::CommonNamesAndSurnamesAreEasyToGuess,
        ];
        let suggestions = [
            S::UseAFewWordsAvoidCommonPhrases,
            S::NoNeedForSymbolsDigitsOrUppercaseLetters,
            S::AddAnotherWordOrTwo,
            S::CapitalizationDoesntHelpVeryMuch,
            S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
            S::ReversedWordsArentMuchHarderToGuess,
            S::PredictableSubstitutionsDontHelpVeryMuch,
            S::UseALongerKeyboardPatternWithMoreTurns,
            S::AvoidRepeatedWordsAndCharacters,
            S::AvoidSequences,
            S::AvoidRecentYears,
            S::AvoidYearsThatAreAssociatedWithYou,
            S::AvoidDatesAndYearsThatAreAssociatedWithYou,
        ];
        let names = warnings.iter().map(|warning| format!("{warning:?}")).chain(
            suggestions
                .iter()
                .map(|suggestion| format!("{suggestion:?}")),
        );
        for name in names {
            assert!(
                catalog.contains(&format!("\nstrength-{name} =")),
                "assets/locales/en/app.ftl lacks strength-{name}"
            );
        }
        let common = password_strength("password1", &[]);
        assert_eq!(
            common.warning_code.as_deref(),
            Some("ThisIsACommonPassword")
        );
        assert_eq!(common.suggestion_codes.len(), common.suggestions.len());
        assert!(!common.suggestion_codes.is_empty(), "{common:?}");
    }

    #[test]
    fn weak_and_personal_passwords_are_refused() {
        assert!(!password_strength("", &[]).acceptable);
        assert!(!password_strength("password1", &[]).acceptable);
        // Score 3, refused: a name and a digit.
        let named = password_strength("lisacuddy1", &["Lisa", "Cuddy"]);
        assert!(!named.acceptable, "{named:?}");
        let personal = password_strength("Targaryen1990!", &["Daenerys", "Targaryen"]);
        assert!(password_strength("Targaryen1990!", &[]).score > personal.score);
        assert!(!personal.acceptable, "{personal:?}");
        let strong = password_strength("tidal-mango-orbit-velvet-42", &[]);
        assert!(strong.acceptable, "{strong:?}");
        assert_eq!(strong.score, 4);
    }
}
