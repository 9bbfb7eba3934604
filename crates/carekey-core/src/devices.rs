//! Where the account is logged in: its sessions as the server lists them,
//! and ending one (another device) or all but this one.
//!
//! Invariant: a device's name is what that device said of itself (shown as
//! such, never trusted); the session of this device is the one the server
//! marks, so ending "this device" from the list is logging out here too.

use crate::client::Client;
use crate::error::CoreError;
use carekey_api::AccountSession;

impl Client {
    /// The account's sessions that can still be used, the most recently
    /// seen first, this device's marked.
    pub async fn account_sessions(&self) -> Result<Vec<AccountSession>, CoreError> {
        let listed = self
            .sessions
            .with_token(|token| async move { self.api.sessions(&token).await })
            .await?;
        Ok(listed.sessions)
    }

    /// Ends one of the account's sessions. That device lands logged out and
    /// is told it was logged out from another device; this device's own
    /// session is ended by logging out instead.
    pub async fn end_session(&self, session_id: &str) -> Result<(), CoreError> {
        self.sessions
            .with_token(|token| async move { self.api.end_session(&token, session_id).await })
            .await
    }

    /// Ends every session of the account but this device's; answers how
    /// many were ended.
    pub async fn end_other_sessions(&self) -> Result<u64, CoreError> {
        let ended = self
            .sessions
            .with_token(|token| async move { self.api.end_other_sessions(&token).await })
            .await?;
        Ok(ended.revoked)
    }
}
