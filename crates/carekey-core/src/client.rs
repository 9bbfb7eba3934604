//! The login flows as the app drives them: start, resend, complete, the
//! device keypair, resume at start-up, log out.

use crate::api::ApiClient;
use crate::device::DeviceVerifier;
use crate::error::CoreError;
use crate::keys::{KeyPair, KeyProgress};
use crate::phone::to_e164;
use crate::session::{Resumed, Sessions};
use crate::vault::{SecretStore, blocking};
use crate::waiting::{Backoff, HOLD_SECONDS, WaitState};
use carekey_api::{
    CompleteRequest, PhoneRequest, PhoneVerifyRequest, Profile, PublicKeyUpload, RSA_OAEP_SHA256,
    Role, SecretString, StartRequest, StartResponse,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// What the person typed to register or log in.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// ISO 3166 code used to read a phone number written in national form.
    pub country: Option<String>,
}

/// The details of a new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub responsible_clinician_id: Option<String>,
    /// A clinician's invitation she registers through (`<id>.<secret>`,
    /// [`crate::invitations::token_of`]): it names him, and she is his
    /// patient at once.
    pub invitation: Option<SecretString>,
}

/// A login waiting for its code: only this device holds its verifier. It is
/// kept in the keychain too, so that a link opened after the app was closed
/// (a cold start) can still complete it.
struct PendingLogin {
    request_id: String,
    verifier: DeviceVerifier,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedLogin {
    request_id: String,
    verifier: SecretString,
}

/// What proves the person got the message: the code they typed, or the
/// link they opened.
enum Proof {
    Code(String),
    Link {
        request_id: String,
        secret: SecretString,
    },
}

/// A WhatsApp login waiting for the person's message.
#[derive(Debug)]
pub struct WhatsappLogin {
    pub started: carekey_api::WhatsappStartResponse,
    /// The wa.me link as a QR code, for a phone to scan.
    pub qr_svg: String,
}

/// What a right code leads to.
#[derive(Debug)]
pub struct LoggedIn {
    pub profile: Profile,
    pub is_new_user: bool,
    /// The fingerprint of this device's key for the account, if it has one.
    pub key_fingerprint: Option<String>,
    /// What a guest session on this device had, now in the account.
    pub carried_over: Option<crate::guest::CarriedOver>,
}

/// Reports a server out of reach and sleeps the backoff's next delay.
async fn reconnect_after(backoff: &mut Backoff, progress: &(impl Fn(WaitState) + Send + Sync)) {
    let delay = backoff.next_delay();
    progress(WaitState::Reconnecting {
        retry_in_seconds: delay.as_secs().max(1),
    });
    tokio::time::sleep(delay).await;
}

/// One of the account's public keys, as its owner sees it.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountKey {
    pub key_id: String,
    /// The key id in groups of four, as the home screen shows this device's.
    pub fingerprint: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// The key whose private half is in this device's keychain.
    pub this_device: bool,
}

/// How long something begun stays unfinished at most: longer than any code
/// lives (10 minutes by email, 2 by SMS, by default).
pub const UNFINISHED_FOR: Duration = Duration::from_secs(15 * 60);

/// Whether something begun at `began` may still be going on at `now`.
fn still_unfinished(began: Option<Instant>, now: Instant) -> bool {
    began.is_some_and(|began| now.saturating_duration_since(began) < UNFINISHED_FOR)
}

/// Something the person began on this device and has not finished
/// ([`Client::unfinished`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfinished {
    /// A login or registration waiting for its code, link or approval.
    Login,
    /// A new login email or phone number waiting for its code.
    Contact,
    /// A fresh proof (before changing a key or a phone) waiting for its code.
    Proof,
    /// A recovery key shown and not yet confirmed written down.
    RecoveryKey,
}

pub struct Client {
    pub(crate) api: ApiClient,
    pub(crate) sessions: Sessions,
    /// A guest's session set aside at login, until its data is carried over.
    pub(crate) guest_sessions: Sessions,
    pub(crate) store: Arc<dyn SecretStore>,
    pending: Mutex<Option<PendingLogin>>,
    /// "Log in with WhatsApp" waiting for the person's message: its
    /// reference, and the verifier whose challenge went with it.
    pending_whatsapp: Mutex<Option<(String, DeviceVerifier)>>,
    /// A WhatsApp login whose message arrived from a number the person has
    /// not yet confirmed as theirs: its request id and verifier. Until they
    /// confirm, it is not the pending login, so no code, link or approval
    /// can complete it (a stranger who sent this device's reference from
    /// their own WhatsApp would otherwise log this device into their account).
    unconfirmed_whatsapp: Mutex<Option<(String, DeviceVerifier)>>,
    /// The new login email or phone waiting for its code (its request id;
    /// one change at a time: a new one replaces it).
    pending_contact: Mutex<Option<String>>,
    /// The fresh proof waiting for its code (its request id).
    pending_proof: Mutex<Option<String>>,
    /// A recovery key shown to the person, not yet confirmed written down.
    pub(crate) pending_recovery: Mutex<Option<crate::recovery::RecoveryKey>>,
    /// The keychain entry of the login waiting for its code.
    pending_entry: String,
    /// When the person last began something [`Client::unfinished`] counts.
    began: std::sync::Mutex<Option<Instant>>,
    /// A captcha token the person just earned, for the next request that
    /// sends a message or opens an account (each token works once).
    captcha: Mutex<Option<SecretString>>,
    /// The language the app shows (a tag), sent with every start so that
    /// the code's message, and a new account, are in it.
    language: std::sync::Mutex<Option<String>>,
}

pub(crate) fn private_key_entry(user_id: &str) -> String {
    format!("rsa-oaep-sha256:{user_id}")
}

/// How this device names itself on a link's landing page.
pub(crate) fn device_name() -> String {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        "android" => "Android",
        "ios" => "iOS",
        other => other,
    };
    format!("CareKey on {os}")
}

fn clean(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

impl Client {
    /// Keeps the token of a captcha the person just solved for the next
    /// start, resend, WhatsApp login or guest (servers with captcha on ask
    /// for one there; `GET /v1/auth/channels` says which).
    pub async fn pass_captcha(&self, token: SecretString) {
        *self.captcha.lock().await = Some(token);
    }

    /// The server this client talks to (`https://auth.example.org`).
    pub fn server_url(&self) -> &str {
        self.api.base()
    }

    pub(crate) async fn take_captcha(&self) -> Option<SecretString> {
        self.captcha.lock().await.take()
    }

    /// A client of the server at `server`, keeping its secrets in `store`;
    /// `session_entry` names this installation's session in the store.
    pub fn new(
        server: &str,
        store: Arc<dyn SecretStore>,
        session_entry: String,
    ) -> Result<Self, CoreError> {
        let api = ApiClient::new(server)?;
        Ok(Client {
            pending_entry: format!("{session_entry}:pending-login"),
            captcha: Mutex::new(None),
            guest_sessions: Sessions::new(
                api.clone(),
                store.clone(),
                format!("{session_entry}:guest"),
            ),
            sessions: Sessions::new(api.clone(), store.clone(), session_entry),
            api,
            store,
            pending: Mutex::new(None),
            pending_whatsapp: Mutex::new(None),
            unconfirmed_whatsapp: Mutex::new(None),
            pending_contact: Mutex::new(None),
            pending_proof: Mutex::new(None),
            pending_recovery: Mutex::new(None),
            began: std::sync::Mutex::new(None),
            language: std::sync::Mutex::new(None),
        })
    }

    /// The language the app shows from now on (a BCP 47 tag).
    pub fn set_language(&self, tag: &str) {
        if let Ok(mut language) = self.language.lock() {
            *language = Some(tag.to_owned());
        }
    }

    pub(crate) fn language(&self) -> Option<String> {
        self.language
            .lock()
            .ok()
            .and_then(|language| language.clone())
    }

    pub fn server(&self) -> &str {
        self.api.base()
    }

    /// Sends a code: to the email if one is given, else to the phone (made
    /// E.164 first). With `account`, registers; without, logs in.
    pub async fn start(
        &self,
        contact: &Contact,
        account: Option<&NewAccount>,
    ) -> Result<StartResponse, CoreError> {
        let email = clean(contact.email.as_deref());
        let phone = match clean(contact.phone.as_deref()) {
            Some(phone) => Some(to_e164(&phone, contact.country.as_deref())?),
            None => None,
        };
        if email.is_none() && phone.is_none() {
            return Err(CoreError::NoContact);
        }
        let verifier = DeviceVerifier::new();
        let request = StartRequest {
            email,
            phone,
            first_name: account.map(|account| account.first_name.trim().to_owned()),
            last_name: account.map(|account| account.last_name.trim().to_owned()),
            role: account.map(|account| account.role),
            responsible_clinician_id: account
                .and_then(|account| clean(account.responsible_clinician_id.as_deref())),
            invitation: account.and_then(|account| account.invitation.clone()),
            captcha_token: self.take_captcha().await,
            device_challenge: verifier.challenge(),
            device_name: Some(device_name()),
            channel: None,
            language: self.language(),
        };
        let started = self.api.start(&request).await?;
        self.remember_login(&started.request_id, verifier).await?;
        Ok(started)
    }

    /// The login in progress, kept in the keychain so that a link opened
    /// after a restart still finds its verifier.
    async fn remember_login(
        &self,
        request_id: &str,
        verifier: DeviceVerifier,
    ) -> Result<(), CoreError> {
        let saved = SavedLogin {
            request_id: request_id.to_owned(),
            verifier: SecretString::from(verifier.secret()),
        };
        let saved = zeroize::Zeroizing::new(
            serde_json::to_vec(&saved).map_err(|error| CoreError::Storage(error.to_string()))?,
        );
        let (store, entry) = (self.store.clone(), self.pending_entry.clone());
        blocking(move || store.set(&entry, &saved)).await?;
        self.begin();
        *self.pending.lock().await = Some(PendingLogin {
            request_id: request_id.to_owned(),
            verifier,
        });
        Ok(())
    }

    /// How the server can reach people (which login buttons to show).
    pub async fn channels(&self) -> Result<carekey_api::AuthChannels, CoreError> {
        self.api.channels().await
    }

    /// "Log in with WhatsApp": the message to send the bot (a wa.me link
    /// and its QR code). With `account`, the sender's number registers.
    pub async fn start_whatsapp(
        &self,
        account: Option<&NewAccount>,
    ) -> Result<WhatsappLogin, CoreError> {
        let verifier = DeviceVerifier::new();
        let request = carekey_api::WhatsappStartRequest {
            first_name: account.map(|account| account.first_name.trim().to_owned()),
            last_name: account.map(|account| account.last_name.trim().to_owned()),
            role: account.map(|account| account.role),
            responsible_clinician_id: account
                .and_then(|account| clean(account.responsible_clinician_id.as_deref())),
            invitation: account.and_then(|account| account.invitation.clone()),
            captcha_token: self.take_captcha().await,
            device_challenge: verifier.challenge(),
            device_name: Some(device_name()),
            language: self.language(),
        };
        let started = self.api.whatsapp_start(&request).await?;
        let qr_svg = crate::recovery::qr_svg(&started.wa_link)?;
        self.begin();
        *self.pending_whatsapp.lock().await = Some((started.reference.clone(), verifier));
        Ok(WhatsappLogin { qr_svg, started })
    }

    /// Waits for the person's WhatsApp message. The answer names (masked)
    /// the number it came from; the login goes on, as one started with a
    /// code (the bot's reply holds the link and the code), only once the
    /// person confirms that number is theirs ([`Client::confirm_whatsapp`]).
    /// Ends with `no_pending_login` when the WhatsApp login was abandoned.
    pub async fn wait_for_whatsapp(&self) -> Result<StartResponse, CoreError> {
        self.wait_for_whatsapp_reporting(|_| {}).await
    }

    /// [`Client::wait_for_whatsapp`], telling `progress` how the wait goes:
    /// a server out of reach is asked again after a backoff, for as long as
    /// the WhatsApp login is pending on this device.
    pub async fn wait_for_whatsapp_reporting(
        &self,
        progress: impl Fn(WaitState) + Send + Sync,
    ) -> Result<StartResponse, CoreError> {
        let mut backoff = Backoff::default();
        loop {
            let (reference, verifier) = match self.pending_whatsapp.lock().await.as_ref() {
                Some((reference, verifier)) => {
                    (reference.clone(), SecretString::from(verifier.secret()))
                }
                None => return Err(CoreError::NoPendingLogin),
            };
            let request = carekey_api::WhatsappWaitRequest {
                reference: reference.clone(),
                device_verifier: verifier,
                wait_seconds: HOLD_SECONDS,
            };
            let outcome = self.api.whatsapp_wait(&request).await;
            if matches!(&outcome, Err(error) if error.api_code() == Some(carekey_api::ErrorCode::WhatsappPending))
            {
                backoff.reset();
                progress(WaitState::Waiting);
                continue;
            }
            if matches!(&outcome, Err(error) if error.is_transient()) {
                reconnect_after(&mut backoff, &progress).await;
                continue;
            }
            let mut pending = self.pending_whatsapp.lock().await;
            let Some((_, verifier)) =
                pending.take_if(|(pending_reference, _)| *pending_reference == reference)
            else {
                return Err(CoreError::NoPendingLogin);
            };
            drop(pending);
            let started = outcome?;
            self.begin();
            *self.unconfirmed_whatsapp.lock().await = Some((started.request_id.clone(), verifier));
            return Ok(started);
        }
    }

    /// The login waiting in the keychain, if the app was restarted since it
    /// began.
    async fn saved_login(&self) -> Result<Option<PendingLogin>, CoreError> {
        let (store, entry) = (self.store.clone(), self.pending_entry.clone());
        let Some(bytes) = blocking(move || store.get(&entry)).await? else {
            return Ok(None);
        };
        Ok(serde_json::from_slice::<SavedLogin>(&bytes)
            .ok()
            .map(|saved| PendingLogin {
                request_id: saved.request_id,
                verifier: DeviceVerifier::from_secret(saved.verifier.expose()),
            }))
    }

    async fn forget_login(&self) -> Result<(), CoreError> {
        let (store, entry) = (self.store.clone(), self.pending_entry.clone());
        blocking(move || store.delete(&entry)).await
    }

    /// A new code for the login in progress; the previous one stops working.
    pub async fn resend(&self) -> Result<StartResponse, CoreError> {
        let request_id = match self.pending.lock().await.as_ref() {
            Some(pending) => pending.request_id.clone(),
            None => return Err(CoreError::NoPendingLogin),
        };
        self.api
            .resend(&request_id, self.take_captcha().await)
            .await
    }

    /// Trades the code for a session. A wrong code keeps the login pending
    /// (the error says how many tries are left); a right one ends it.
    pub async fn complete(&self, code: &str) -> Result<LoggedIn, CoreError> {
        let code: String = code.chars().filter(char::is_ascii_digit).collect();
        self.finish(Proof::Code(code)).await
    }

    /// Trades a magic link for a session, if the login it belongs to was
    /// started on this device (in this run of the app, or before a restart).
    pub async fn complete_with_link(
        &self,
        link: &crate::links::AppLink,
    ) -> Result<LoggedIn, CoreError> {
        let crate::links::AppLink::Login { request_id, secret } = link else {
            return Err(crate::links::LinkError::NotALogin.into());
        };
        self.finish(Proof::Link {
            request_id: request_id.clone(),
            secret: secret.clone(),
        })
        .await
    }

    async fn finish(&self, proof: Proof) -> Result<LoggedIn, CoreError> {
        let mut pending = self.pending.lock().await;
        if let Proof::Link { request_id, .. } = &proof {
            let here = pending
                .as_ref()
                .is_some_and(|login| &login.request_id == request_id);
            if !here {
                match self.saved_login().await? {
                    Some(saved) if &saved.request_id == request_id => *pending = Some(saved),
                    _ => return Err(CoreError::LinkNotForThisDevice),
                }
            }
        }
        let Some(login) = pending.as_ref() else {
            return Err(CoreError::NoPendingLogin);
        };
        let (code, link_secret) = match proof {
            Proof::Code(code) => (Some(SecretString::new(code)), None),
            Proof::Link { secret, .. } => (None, Some(secret)),
        };
        let request = CompleteRequest {
            request_id: login.request_id.clone(),
            code,
            link_secret,
            device_verifier: SecretString::from(login.verifier.secret()),
        };
        let session = match self.api.complete(&request).await {
            Ok(session) => session,
            Err(error) => {
                // A login that cannot succeed any more is over.
                let finished = matches!(
                    error.api_code(),
                    Some(carekey_api::ErrorCode::CodeUsed)
                        | Some(carekey_api::ErrorCode::UnknownRequest)
                        | Some(carekey_api::ErrorCode::VerifierMismatch)
                );
                if finished {
                    *pending = None;
                    self.forget_login().await?;
                }
                return Err(error);
            }
        };
        *pending = None;
        drop(pending);
        self.forget_login().await?;
        self.begin_session(&session).await
    }

    async fn begin_session(
        &self,
        session: &carekey_api::SessionResponse,
    ) -> Result<LoggedIn, CoreError> {
        self.sessions.set_guest_aside(&self.guest_sessions).await?;
        self.sessions.begin(session).await?;
        let carried_over = self.carry_over_guest_or_later().await;
        let profile = self.sessions.profile().await?;
        let key_fingerprint = self.key_fingerprint().await?;
        Ok(LoggedIn {
            profile,
            is_new_user: session.is_new_user,
            key_fingerprint,
            carried_over,
        })
    }

    /// Waits until the login in progress is approved from another device
    /// (its link opened there, and approved with a tap), then takes the
    /// session. It holds nothing while it waits, so a code typed meanwhile
    /// still works; once the login is over either way, it ends with
    /// `no_pending_login`.
    pub async fn wait_for_approval(&self) -> Result<LoggedIn, CoreError> {
        self.wait_for_approval_reporting(|_| {}).await
    }

    /// [`Client::wait_for_approval`], telling `progress` how the wait goes:
    /// a server out of reach is asked again after a backoff, for as long as
    /// a login is pending on this device.
    pub async fn wait_for_approval_reporting(
        &self,
        progress: impl Fn(WaitState) + Send + Sync,
    ) -> Result<LoggedIn, CoreError> {
        let mut backoff = Backoff::default();
        loop {
            let (request_id, verifier) = match self.pending.lock().await.as_ref() {
                Some(login) => (
                    login.request_id.clone(),
                    SecretString::from(login.verifier.secret()),
                ),
                None => return Err(CoreError::NoPendingLogin),
            };
            let request = carekey_api::ApprovalRequest {
                request_id: request_id.clone(),
                device_verifier: verifier,
                wait_seconds: HOLD_SECONDS,
            };
            match self.api.approval(&request).await {
                Ok(session) => {
                    let mut pending = self.pending.lock().await;
                    if pending
                        .as_ref()
                        .is_some_and(|login| login.request_id == request_id)
                    {
                        *pending = None;
                    }
                    drop(pending);
                    self.forget_login().await?;
                    return self.begin_session(&session).await;
                }
                Err(error) if error.api_code() == Some(carekey_api::ErrorCode::ApprovalPending) => {
                    backoff.reset();
                    progress(WaitState::Waiting);
                }
                Err(error) if error.is_transient() => {
                    reconnect_after(&mut backoff, &progress).await;
                }
                Err(error) => {
                    let still_this_login = self
                        .pending
                        .lock()
                        .await
                        .as_ref()
                        .is_some_and(|login| login.request_id == request_id);
                    return Err(if still_this_login {
                        error
                    } else {
                        CoreError::NoPendingLogin
                    });
                }
            }
        }
    }

    /// Forgets the login in progress (the person went back).
    /// The person confirmed that the number the WhatsApp message came from
    /// is theirs: the login now waits for its code, link or approval.
    pub async fn confirm_whatsapp(&self) -> Result<(), CoreError> {
        let Some((request_id, verifier)) = self.unconfirmed_whatsapp.lock().await.take() else {
            return Err(CoreError::NoPendingLogin);
        };
        self.remember_login(&request_id, verifier).await
    }

    pub async fn abandon(&self) {
        *self.pending.lock().await = None;
        *self.pending_whatsapp.lock().await = None;
        *self.unconfirmed_whatsapp.lock().await = None;
        if let Err(error) = self.forget_login().await {
            tracing::warn!(%error, "the abandoned login stays in the keychain");
        }
    }

    /// Notes that the person began something [`Client::unfinished`] counts.
    pub(crate) fn begin(&self) {
        if let Ok(mut began) = self.began.lock() {
            *began = Some(Instant::now());
        }
    }

    /// What the person is in the middle of on this device, if anything.
    /// The verifiers of a login, the request of a phone or a proof waiting
    /// for its code, and a recovery key not yet confirmed live in this
    /// process: restarting it (to install an update) would make the person
    /// start over, or lose a key they were about to write down.
    ///
    /// Something begun more than [`UNFINISHED_FOR`] ago no longer counts:
    /// its code has expired, and a person who walked away from a screen must
    /// not keep the app from ever updating.
    pub async fn unfinished(&self) -> Option<Unfinished> {
        let began = self.began.lock().ok().and_then(|began| *began);
        if !still_unfinished(began, Instant::now()) {
            return None;
        }
        if self.pending.lock().await.is_some()
            || self.pending_whatsapp.lock().await.is_some()
            || self.unconfirmed_whatsapp.lock().await.is_some()
        {
            Some(Unfinished::Login)
        } else if self.pending_contact.lock().await.is_some() {
            Some(Unfinished::Contact)
        } else if self.pending_proof.lock().await.is_some() {
            Some(Unfinished::Proof)
        } else if self.pending_recovery.lock().await.is_some() {
            Some(Unfinished::RecoveryKey)
        } else {
            None
        }
    }

    /// The saved session; a guest's data that could not be carried over at
    /// login (the server was unreachable) is carried over now.
    /// Reads the saved session from the keychain ahead of
    /// [`Client::resume`]: the app calls it at start, while its page loads.
    /// A keychain that fails is left for `resume` to meet and report.
    pub async fn read_saved_session(&self) {
        if let Err(error) = self.sessions.load().await {
            tracing::debug!(%error, "cannot read the saved session ahead");
        }
    }

    pub async fn resume(&self) -> Result<Resumed, CoreError> {
        let resumed = self.sessions.resume().await?;
        if let Resumed::LoggedIn(profile) = &resumed
            && !profile.guest
        {
            self.carry_over_guest_or_later().await;
        }
        Ok(resumed)
    }

    pub async fn profile(&self) -> Result<Profile, CoreError> {
        self.sessions.profile().await
    }

    /// Changes the account's first and last name (the server checks them as
    /// at registration); the profile kept with the session follows.
    pub async fn rename(&self, first_name: &str, last_name: &str) -> Result<Profile, CoreError> {
        let request = carekey_api::NameRequest {
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
        };
        let profile = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move { self.api.rename(&token, &request).await }
            })
            .await?;
        self.sessions.keep_profile(profile).await
    }

    /// The account's language from now on (the one the person chose in
    /// the app): its messages are written in it.
    pub async fn set_account_language(&self, tag: &str) -> Result<Profile, CoreError> {
        let request = carekey_api::LanguageRequest {
            language: tag.to_owned(),
        };
        let profile = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move { self.api.set_language(&token, &request).await }
            })
            .await?;
        self.sessions.keep_profile(profile).await
    }

    pub async fn log_out(&self) -> Result<(), CoreError> {
        self.forget_unfinished().await;
        self.sessions.end().await
    }

    /// What only a logged-in account can be in the middle of.
    pub(crate) async fn forget_unfinished(&self) {
        *self.pending_contact.lock().await = None;
        *self.pending_recovery.lock().await = None;
    }

    /// Sends a code to a phone number (made E.164 first) that the
    /// logged-in user wants to log in with.
    pub async fn add_phone(
        &self,
        phone: &str,
        country: Option<&str>,
    ) -> Result<StartResponse, CoreError> {
        let phone = to_e164(phone, country)?;
        let request = PhoneRequest { phone };
        let started = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move { self.api.add_phone(&token, &request).await }
            })
            .await?;
        self.begin();
        *self.pending_contact.lock().await = Some(started.request_id.clone());
        Ok(started)
    }

    /// Proves the number with its code; it then logs in by SMS.
    pub async fn verify_phone(&self, code: &str) -> Result<Profile, CoreError> {
        let profile = self
            .prove_pending(&self.pending_contact, code, |token, request| async move {
                self.api.verify_phone(&token, &request).await
            })
            .await?;
        self.sessions.keep_profile(profile).await
    }

    /// Sends a code to the email address the logged-in user wants to log in
    /// with instead of their current one. The server tells the addresses of
    /// before, each with a way to undo it.
    pub async fn change_email(&self, email: &str) -> Result<StartResponse, CoreError> {
        let request = carekey_api::EmailRequest {
            email: email.trim().to_owned(),
        };
        let started = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move { self.api.change_email(&token, &request).await }
            })
            .await?;
        self.begin();
        *self.pending_contact.lock().await = Some(started.request_id.clone());
        Ok(started)
    }

    /// Proves the new email address with its code; it then logs in.
    pub async fn verify_email(&self, code: &str) -> Result<Profile, CoreError> {
        let profile = self
            .prove_pending(&self.pending_contact, code, |token, request| async move {
                self.api.verify_email(&token, &request).await
            })
            .await?;
        self.sessions.keep_profile(profile).await
    }

    /// Asks for a code to the account's own contact: a change to how the
    /// account logs in or who can read its data (a phone, a key) needs one
    /// proven in the last few minutes once the login is no longer fresh
    /// (the server answers `fresh_proof_required`).
    pub async fn start_proof(&self) -> Result<StartResponse, CoreError> {
        let started = self
            .sessions
            .with_token(|token| async move { self.api.start_proof(&token).await })
            .await?;
        self.begin();
        *self.pending_proof.lock().await = Some(started.request_id.clone());
        Ok(started)
    }

    /// Proves the code [`Client::start_proof`] sent; the change can then be
    /// made again.
    pub async fn verify_proof(&self, code: &str) -> Result<(), CoreError> {
        self.prove_pending(&self.pending_proof, code, |token, request| async move {
            self.api.verify_proof(&token, &request).await
        })
        .await
    }

    /// Sends `code` for the request waiting in `pending` through `call`.
    /// The request stays pending after a wrong code (the person types
    /// again) or an unreachable server, and ends otherwise.
    async fn prove_pending<T, F, Fut>(
        &self,
        pending: &Mutex<Option<String>>,
        code: &str,
        call: F,
    ) -> Result<T, CoreError>
    where
        F: Fn(SecretString, PhoneVerifyRequest) -> Fut,
        Fut: std::future::Future<Output = Result<T, CoreError>>,
    {
        let code: String = code.chars().filter(char::is_ascii_digit).collect();
        let mut pending = pending.lock().await;
        let Some(request_id) = pending.clone() else {
            return Err(CoreError::NoPendingLogin);
        };
        let request = PhoneVerifyRequest {
            request_id,
            code: SecretString::new(code),
        };
        let result = self
            .sessions
            .with_token(|token| call(token, request.clone()))
            .await;
        let finished = match &result {
            Ok(_) => true,
            Err(error) => !matches!(
                error.api_code(),
                Some(carekey_api::ErrorCode::InvalidCode) | None
            ),
        };
        if finished {
            *pending = None;
        }
        result
    }

    pub(crate) async fn stored_key(&self, user_id: &str) -> Result<Option<KeyPair>, CoreError> {
        let store = self.store.clone();
        let entry = private_key_entry(user_id);
        let der = blocking(move || store.get(&entry)).await?;
        der.map(|der| KeyPair::from_pkcs8_der(&der)).transpose()
    }

    pub(crate) async fn user_id(&self) -> Result<String, CoreError> {
        self.sessions.user_id().await.ok_or(CoreError::NotLoggedIn)
    }

    /// The logged-in user's keypair on this device.
    pub(crate) async fn device_key(&self) -> Result<(String, KeyPair), CoreError> {
        let user_id = self.user_id().await?;
        let pair = self.stored_key(&user_id).await?.ok_or(CoreError::NoKey)?;
        Ok((user_id, pair))
    }

    /// Keeps `pair` as the logged-in user's key on this device and makes
    /// sure the server has its public half.
    pub(crate) async fn adopt_key(&self, user_id: &str, pair: &KeyPair) -> Result<(), CoreError> {
        self.store_key(user_id, pair).await?;
        self.register_public_key(pair).await
    }

    async fn store_key(&self, user_id: &str, pair: &KeyPair) -> Result<(), CoreError> {
        let der = pair.private_pkcs8_der()?;
        let store = self.store.clone();
        let entry = private_key_entry(user_id);
        blocking(move || store.set(&entry, &der)).await
    }

    async fn register_public_key(&self, pair: &KeyPair) -> Result<(), CoreError> {
        let upload = PublicKeyUpload {
            public_key: base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                pair.public_spki_der()?,
            ),
            algorithm: RSA_OAEP_SHA256.into(),
        };
        self.sessions
            .with_token(|token| {
                let upload = upload.clone();
                async move { self.api.register_key(&token, &upload).await }
            })
            .await?;
        Ok(())
    }

    /// The account's keys, oldest first, revoked ones included: what its
    /// owner checks after a lost device or a surprising "new key" message.
    pub async fn account_keys(&self) -> Result<Vec<AccountKey>, CoreError> {
        let user_id = self.user_id().await?;
        let here = match self.stored_key(&user_id).await? {
            Some(pair) => Some(pair.key_id()?),
            None => None,
        };
        let keys = self
            .sessions
            .with_token(|token| async move { self.api.keys(&token).await })
            .await?;
        Ok(keys
            .keys
            .into_iter()
            .map(|key| AccountKey {
                fingerprint: crate::keys::grouped(&key.key_id),
                this_device: here.as_deref() == Some(key.key_id.as_str()),
                key_id: key.key_id,
                created_at: key.created_at,
                revoked_at: key.revoked_at,
            })
            .collect())
    }

    /// Revokes one of the account's keys: the server no longer hands it out
    /// nor accepts notes for it. This device's own key is refused here (the
    /// device could no longer write notes); the server asks for a fresh
    /// proof (`fresh_proof_required`) once the login is not recent.
    pub async fn revoke_key(&self, key_id: &str) -> Result<(), CoreError> {
        let user_id = self.user_id().await?;
        if let Some(pair) = self.stored_key(&user_id).await?
            && pair.key_id()? == key_id
        {
            return Err(CoreError::OwnKey);
        }
        self.sessions
            .with_token(|token| async move { self.api.revoke_key(&token, key_id).await })
            .await?;
        Ok(())
    }

    /// The fingerprint of the logged-in user's key on this device, if any.
    pub async fn key_fingerprint(&self) -> Result<Option<String>, CoreError> {
        let user_id = self.user_id().await?;
        self.stored_key(&user_id)
            .await?
            .map(|pair| pair.fingerprint())
            .transpose()
    }

    /// Makes the logged-in user's keypair on this device (off the async
    /// threads), keeps the private key in the keychain and registers the
    /// public key with the server. If this device already has one, it is
    /// registered again (harmless) and kept.
    pub async fn create_keypair(
        &self,
        progress: impl Fn(KeyProgress) + Send + Sync + 'static,
    ) -> Result<String, CoreError> {
        let user_id = self.user_id().await?;
        let started = Instant::now();
        let progress = Arc::new(progress);
        let pair = match self.stored_key(&user_id).await? {
            Some(pair) => pair,
            None => {
                let report = progress.clone();
                let pair =
                    tokio::task::spawn_blocking(move || KeyPair::generate(|step| report(step)))
                        .await
                        .map_err(|error| CoreError::Crypto(format!("key task: {error}")))??;
                progress(KeyProgress::Storing);
                self.store_key(&user_id, &pair).await?;
                pair
            }
        };
        progress(KeyProgress::Registering);
        self.register_public_key(&pair).await?;
        let fingerprint = pair.fingerprint()?;
        progress(KeyProgress::Done {
            fingerprint: fingerprint.clone(),
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        Ok(fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn something_begun_stops_counting_once_its_codes_have_all_expired() {
        let began = Instant::now();
        assert!(!still_unfinished(None, began));
        assert!(still_unfinished(Some(began), began));
        assert!(still_unfinished(
            Some(began),
            began + Duration::from_secs(600)
        ));
        assert!(!still_unfinished(Some(began), began + UNFINISHED_FOR));
        // A clock read before `began` (another thread's) is not "long ago".
        assert!(still_unfinished(
            Some(began + Duration::from_secs(1)),
            began
        ));
    }
}
