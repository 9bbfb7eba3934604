//! Where the device keeps its secrets: the refresh token and the private key.
//!
//! On desktops that is the operating system's keychain (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows) through the
//! `keyring` crate. Calls block (they talk to a system service): run them
//! off the async threads. Windows caps a secret at 2,560 bytes; what is kept
//! here stays under that (an RSA-2048 PKCS#8 DER key is about 1,220 bytes).

use crate::error::CoreError;
use std::collections::HashMap;
use std::sync::Mutex;
use zeroize::Zeroizing;

pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CoreError>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CoreError>;
    /// Removing what is not there is not an error.
    fn delete(&self, name: &str) -> Result<(), CoreError>;
}

/// The OS keychain; entries are (`service`, name).
pub struct Keychain {
    service: String,
}

impl Keychain {
    pub fn new(service: &str) -> Self {
        Keychain {
            service: service.to_owned(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, CoreError> {
        keyring::Entry::new(&self.service, name)
            .map_err(|error| CoreError::Keychain(error.to_string()))
    }
}

impl SecretStore for Keychain {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CoreError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(CoreError::Keychain(error.to_string())),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CoreError> {
        self.entry(name)?
            .set_secret(secret)
            .map_err(|error| CoreError::Keychain(error.to_string()))
    }

    fn delete(&self, name: &str) -> Result<(), CoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(CoreError::Keychain(error.to_string())),
        }
    }
}

/// Secrets in memory, for tests and for a device that must forget on exit.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CoreError> {
        let secrets = self
            .secrets
            .lock()
            .map_err(|_| CoreError::Keychain("store poisoned".into()))?;
        Ok(secrets.get(name).cloned())
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CoreError> {
        self.secrets
            .lock()
            .map_err(|_| CoreError::Keychain("store poisoned".into()))?
            .insert(name.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), CoreError> {
        self.secrets
            .lock()
            .map_err(|_| CoreError::Keychain("store poisoned".into()))?
            .remove(name);
        Ok(())
    }
}

/// Runs a blocking keychain call off the async threads.
pub async fn blocking<T, F>(call: F) -> Result<T, CoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, CoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|error| CoreError::Keychain(format!("keychain task: {error}")))?
}
