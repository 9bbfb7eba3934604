//! Deleting the account: on the server first, then everything this device
//! kept of it.
//!
//! Invariant: the device forgets nothing until the server has said the
//! account is gone, so a refusal (a login that is no longer fresh, a
//! clinician whose patients still name him, no network) leaves the person
//! exactly where they were; once it is gone, the session and the private
//! key go too (the key opened only this account's notes, which are deleted
//! with it, and it is the person's to be rid of).

use crate::client::{Client, private_key_entry};
use crate::error::CoreError;
use crate::vault::blocking;

impl Client {
    pub async fn delete_account(&self) -> Result<(), CoreError> {
        let user_id = self.user_id().await?;
        self.sessions
            .with_token(|token| async move { self.api.delete_account(&token).await })
            .await?;
        self.forget_unfinished().await;
        self.sessions.discard().await?;
        let (store, entry) = (self.store.clone(), private_key_entry(&user_id));
        blocking(move || store.delete(&entry)).await?;
        tracing::info!("account deleted; its session and key forgotten on this device");
        Ok(())
    }
}
