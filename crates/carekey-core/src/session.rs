//! The logged-in session: kept in the keychain across restarts, its access
//! token refreshed silently, one refresh at a time.

use crate::api::ApiClient;
use crate::error::CoreError;
use crate::vault::{SecretStore, blocking};
use carekey_api::{ErrorCode, Profile, SecretString, SessionResponse};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Mutex;

/// Refresh this long before the access token expires, so that a call made
/// just before expiry does not arrive just after it.
const REFRESH_MARGIN_MS: i64 = 30_000;

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSession {
    user_id: String,
    group_id: String,
    access_token: SecretString,
    access_expires_ms: i64,
    refresh_token: SecretString,
    refresh_expires_ms: i64,
    /// A guest's session (`POST /v1/auth/guest`), set aside at login.
    #[serde(default)]
    guest: bool,
    /// The profile last seen from the server: home shows it, marked
    /// offline, when the app starts without the server in reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<Profile>,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

pub fn now_ms() -> i64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    i64::try_from(nanos).unwrap_or(i64::MAX)
}

fn parse_time(text: &str) -> Result<i64, CoreError> {
    let moment = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| CoreError::BadAnswer)?;
    i64::try_from(moment.unix_timestamp_nanos() / 1_000_000).map_err(|_| CoreError::BadAnswer)
}

impl StoredSession {
    fn from_response(response: &SessionResponse) -> Result<Self, CoreError> {
        Ok(StoredSession {
            user_id: response.user_id.clone(),
            group_id: response.group_id.clone(),
            access_token: response.access_token.clone(),
            access_expires_ms: parse_time(&response.access_token_expires_at)?,
            refresh_token: response.refresh_token.clone(),
            refresh_expires_ms: parse_time(&response.refresh_token_expires_at)?,
            guest: false,
            profile: None,
        })
    }
}

/// How a saved session came back at start-up.
#[derive(Debug)]
pub enum Resumed {
    LoggedIn(Profile),
    /// A saved session while the server cannot be reached: the profile this
    /// device last saw. Nothing is forgotten; the app asks again later.
    Offline(Profile),
    /// No session, or one that ended; `reason` says why, for the login
    /// screen, and `code` names that reason (an error code, or
    /// `session_ended`) for a screen that says it in its own language.
    LoggedOut {
        reason: Option<String>,
        code: Option<String>,
    },
}

const SESSION_ENDED: &str = "Your session has ended. Please log in again.";
const SESSION_STOLEN: &str = "Your session was used from two places at once, so it was ended to protect your account. Please log in again.";

pub struct Sessions {
    api: ApiClient,
    store: Arc<dyn SecretStore>,
    entry: String,
    current: Mutex<Option<StoredSession>>,
    /// The keychain's entry was read into `current` (what it held, or
    /// nothing). From then on `current` is the truth without asking the
    /// keychain again (a D-Bus round trip, 10 to 20 ms here), because every
    /// change of the entry goes through this object.
    read: AtomicBool,
}

impl Sessions {
    /// `entry` names the keychain entry of this app's session.
    pub fn new(api: ApiClient, store: Arc<dyn SecretStore>, entry: String) -> Self {
        Sessions {
            api,
            store,
            entry,
            current: Mutex::new(None),
            read: AtomicBool::new(false),
        }
    }

    async fn save(&self, session: &StoredSession) -> Result<(), CoreError> {
        let bytes =
            zeroize::Zeroizing::new(serde_json::to_vec(session).map_err(|_| CoreError::BadAnswer)?);
        let store = self.store.clone();
        let entry = self.entry.clone();
        blocking(move || store.set(&entry, &bytes)).await
    }

    async fn forget(&self, current: &mut Option<StoredSession>) -> Result<(), CoreError> {
        *current = None;
        let store = self.store.clone();
        let entry = self.entry.clone();
        blocking(move || store.delete(&entry)).await
    }

    /// Keeps the session a login or registration opened.
    pub async fn begin(&self, response: &SessionResponse) -> Result<(), CoreError> {
        let session = StoredSession::from_response(response)?;
        let mut current = self.current.lock().await;
        self.save(&session).await?;
        *current = Some(session);
        Ok(())
    }

    /// Keeps a guest's session.
    pub async fn begin_as_guest(&self, response: &SessionResponse) -> Result<(), CoreError> {
        let session = StoredSession {
            guest: true,
            ..StoredSession::from_response(response)?
        };
        let mut current = self.current.lock().await;
        self.save(&session).await?;
        *current = Some(session);
        Ok(())
    }

    /// Moves the current session to `other` if it is a guest's (at login,
    /// so that the guest's data can be carried over afterwards).
    pub async fn set_guest_aside(&self, other: &Sessions) -> Result<(), CoreError> {
        let mut current = self.current.lock().await;
        let guest = match current.as_ref() {
            Some(session) if session.guest => session.clone(),
            _ => return Ok(()),
        };
        other.save(&guest).await?;
        *other.current.lock().await = Some(guest);
        self.forget(&mut current).await
    }

    /// The session in the keychain, loaded if not yet: `None` when there is
    /// none. The app calls it as soon as its server answers, so that the
    /// page's first [`Sessions::resume`] does not wait for the keychain.
    pub async fn load(&self) -> Result<Option<String>, CoreError> {
        let mut current = self.current.lock().await;
        self.read_saved(&mut current).await?;
        Ok(current.as_ref().map(|session| session.user_id.clone()))
    }

    /// Reads the keychain's entry into `current`, once. An entry that does
    /// not parse is deleted: it could never be resumed. A keychain that
    /// fails leaves it unread, to be tried again.
    async fn read_saved(&self, current: &mut Option<StoredSession>) -> Result<(), CoreError> {
        if current.is_some() || self.read.load(Ordering::Acquire) {
            return Ok(());
        }
        let store = self.store.clone();
        let entry = self.entry.clone();
        if let Some(saved) = blocking(move || store.get(&entry)).await? {
            match serde_json::from_slice::<StoredSession>(&saved) {
                Ok(session) => *current = Some(session),
                Err(_) => self.forget(current).await?,
            }
        }
        self.read.store(true, Ordering::Release);
        Ok(())
    }

    /// Forgets the session here only (the server already ended it).
    pub async fn discard(&self) -> Result<(), CoreError> {
        let mut current = self.current.lock().await;
        self.forget(&mut current).await
    }

    pub async fn user_id(&self) -> Option<String> {
        self.current
            .lock()
            .await
            .as_ref()
            .map(|session| session.user_id.clone())
    }

    /// The saved session, if any: refreshed when its access token has
    /// expired, checked with the server. A session that ended (revoked,
    /// expired, reused) is forgotten, with a sentence saying why.
    pub async fn resume(&self) -> Result<Resumed, CoreError> {
        {
            let mut current = self.current.lock().await;
            self.read_saved(&mut current).await?;
            if current.is_none() {
                return Ok(Resumed::LoggedOut {
                    reason: None,
                    code: None,
                });
            }
        }
        match self.profile().await {
            Ok(profile) => Ok(Resumed::LoggedIn(profile)),
            Err(error) if error.is_transient() => {
                let last_seen = self
                    .current
                    .lock()
                    .await
                    .as_ref()
                    .and_then(|session| session.profile.clone());
                match last_seen {
                    Some(profile) => Ok(Resumed::Offline(profile)),
                    None => Err(error),
                }
            }
            Err(CoreError::NotLoggedIn) => Ok(Resumed::LoggedOut {
                reason: Some(SESSION_ENDED.into()),
                code: Some("session_ended".into()),
            }),
            Err(CoreError::Api(error)) if error.code == ErrorCode::TokenReused => {
                Ok(Resumed::LoggedOut {
                    reason: Some(SESSION_STOLEN.into()),
                    code: Some(ErrorCode::TokenReused.as_str().into()),
                })
            }
            // The operator disabled the account: the session is of no use
            // until they enable it, and a login then starts a new one. The
            // server's sentence says who to ask. A session its owner ended
            // from another device: the server's sentence says so.
            Err(CoreError::Api(error))
                if matches!(
                    error.code,
                    ErrorCode::AccountDisabled | ErrorCode::SessionRevoked
                ) =>
            {
                self.forget(&mut *self.current.lock().await).await?;
                Ok(Resumed::LoggedOut {
                    reason: Some(error.message),
                    code: Some(error.code.as_str().into()),
                })
            }
            Err(error) => Err(error),
        }
    }

    /// A valid access token, refreshed first if it is about to expire. The
    /// lock makes refreshes one at a time: a second caller waits and gets the
    /// token the first one fetched.
    pub async fn access_token(&self) -> Result<SecretString, CoreError> {
        let mut current = self.current.lock().await;
        let Some(session) = current.as_ref() else {
            return Err(CoreError::NotLoggedIn);
        };
        if session.access_expires_ms - REFRESH_MARGIN_MS > now_ms() {
            return Ok(session.access_token.clone());
        }
        self.refresh_locked(&mut current).await
    }

    async fn refresh_locked(
        &self,
        current: &mut Option<StoredSession>,
    ) -> Result<SecretString, CoreError> {
        let Some(session) = current.as_ref() else {
            return Err(CoreError::NotLoggedIn);
        };
        match self.api.refresh(&session.refresh_token).await {
            Ok(response) => {
                let renewed = StoredSession {
                    guest: session.guest,
                    profile: session.profile.clone(),
                    ..StoredSession::from_response(&response)?
                };
                self.save(&renewed).await?;
                let token = renewed.access_token.clone();
                *current = Some(renewed);
                Ok(token)
            }
            Err(CoreError::Api(error)) if error.code == ErrorCode::InvalidToken => {
                self.forget(current).await?;
                Err(CoreError::NotLoggedIn)
            }
            Err(CoreError::Api(error))
                if matches!(
                    error.code,
                    ErrorCode::TokenReused | ErrorCode::AccountDisabled | ErrorCode::SessionRevoked
                ) =>
            {
                self.forget(current).await?;
                Err(CoreError::Api(error))
            }
            Err(other) => Err(other),
        }
    }

    /// Calls the server with the access token; if the server refuses the
    /// token (revoked since), refreshes once and tries again.
    pub async fn with_token<T, F, Fut>(&self, call: F) -> Result<T, CoreError>
    where
        F: Fn(SecretString) -> Fut,
        Fut: std::future::Future<Output = Result<T, CoreError>>,
    {
        let token = self.access_token().await?;
        match call(token.clone()).await {
            Err(CoreError::Api(error)) if error.code == ErrorCode::InvalidToken => {
                let renewed = {
                    let mut current = self.current.lock().await;
                    match current.as_ref() {
                        // Someone else refreshed meanwhile: use theirs.
                        Some(session) if session.access_token != token => {
                            session.access_token.clone()
                        }
                        _ => self.refresh_locked(&mut current).await?,
                    }
                };
                call(renewed).await
            }
            other => other,
        }
    }

    /// The profile, from the server; kept with the session when it changed.
    pub async fn profile(&self) -> Result<Profile, CoreError> {
        let profile = self
            .with_token(|token| async move { self.api.me(&token).await })
            .await?;
        self.keep_profile(profile).await
    }

    /// Keeps a profile the server just answered with (after a change of
    /// name or login) with the session, without asking for it again.
    pub async fn keep_profile(&self, profile: Profile) -> Result<Profile, CoreError> {
        let mut current = self.current.lock().await;
        if let Some(session) = current.as_mut()
            && session.user_id == profile.user_id
            && session.profile.as_ref() != Some(&profile)
        {
            session.profile = Some(profile.clone());
            let session = session.clone();
            self.save(&session).await?;
        }
        Ok(profile)
    }

    /// Ends the session on the server (if it can be reached) and forgets it
    /// here in any case.
    pub async fn end(&self) -> Result<(), CoreError> {
        let mut current = self.current.lock().await;
        if let Some(session) = current.as_ref()
            && let Err(error) = self
                .api
                .logout(&session.access_token, &session.refresh_token)
                .await
        {
            tracing::info!(
                code = error.code(),
                "logout not confirmed by the server; forgetting the session here"
            );
        }
        self.forget(&mut current).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MemoryStore;
    use std::sync::atomic::AtomicUsize;
    use zeroize::Zeroizing;

    /// A keychain that counts its reads, and fails them while told to.
    #[derive(Default)]
    struct CountingStore {
        inner: MemoryStore,
        reads: AtomicUsize,
        failing: AtomicBool,
    }

    impl SecretStore for CountingStore {
        fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            if self.failing.load(Ordering::SeqCst) {
                return Err(CoreError::Keychain("locked".into()));
            }
            self.inner.get(name)
        }
        fn set(&self, name: &str, secret: &[u8]) -> Result<(), CoreError> {
            self.inner.set(name, secret)
        }
        fn delete(&self, name: &str) -> Result<(), CoreError> {
            self.inner.delete(name)
        }
    }

    fn sessions(store: &Arc<CountingStore>) -> Result<Sessions, CoreError> {
        // Nothing listens there: these tests never reach a server.
        let api = ApiClient::new("http://127.0.0.1:9")?;
        Ok(Sessions::new(api, store.clone(), "session:test".into()))
    }

    #[tokio::test]
    async fn a_session_read_ahead_is_not_read_from_the_keychain_again() -> Result<(), CoreError> {
        let store = Arc::new(CountingStore::default());
        let sessions = sessions(&store)?;
        assert_eq!(sessions.load().await?, None);
        assert!(matches!(
            sessions.resume().await?,
            Resumed::LoggedOut {
                reason: None,
                code: None
            }
        ));
        assert!(matches!(
            sessions.resume().await?,
            Resumed::LoggedOut {
                reason: None,
                code: None
            }
        ));
        assert_eq!(store.reads.load(Ordering::SeqCst), 1);
        Ok(())
    }

    #[tokio::test]
    async fn a_keychain_that_failed_ahead_is_asked_again_and_its_failure_reported()
    -> Result<(), CoreError> {
        let store = Arc::new(CountingStore::default());
        let sessions = sessions(&store)?;
        store.failing.store(true, Ordering::SeqCst);
        assert!(sessions.load().await.is_err());
        assert!(matches!(
            sessions.resume().await,
            Err(CoreError::Keychain(_))
        ));
        store.failing.store(false, Ordering::SeqCst);
        assert!(matches!(
            sessions.resume().await?,
            Resumed::LoggedOut {
                reason: None,
                code: None
            }
        ));
        assert_eq!(store.reads.load(Ordering::SeqCst), 3);
        Ok(())
    }

    #[tokio::test]
    async fn an_entry_that_does_not_parse_is_deleted_and_not_read_again() -> Result<(), CoreError> {
        let store = Arc::new(CountingStore::default());
        store.inner.set("session:test", b"not json")?;
        let sessions = sessions(&store)?;
        assert_eq!(sessions.load().await?, None);
        assert_eq!(store.inner.get("session:test")?, None);
        assert!(matches!(
            sessions.resume().await?,
            Resumed::LoggedOut {
                reason: None,
                code: None
            }
        ));
        assert_eq!(store.reads.load(Ordering::SeqCst), 1);
        Ok(())
    }
}
