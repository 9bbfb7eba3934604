//! The CareKey client core: everything the app does that is not drawing.
//! It knows nothing of Tauri; the app shell calls it.

mod api;
mod backup;
pub mod care;
mod client;
mod device;
mod devices;
pub mod envelope;
mod erasure;
mod error;
pub mod export;
#[cfg(any(test, feature = "fuzz"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod guest;
pub mod invitations;
pub mod keys;
pub mod links;
pub mod oprf;
pub mod phone;
mod random;
pub mod recovery;
pub mod samples;
mod session;
pub mod vault;
pub mod waiting;

pub use api::ApiClient;
pub use backup::{
    BackupProgress, PasswordStrength, Progress, ShownSecret, TransferShown, password_strength,
};
pub use client::{AccountKey, Client, Contact, LoggedIn, NewAccount, Unfinished, WhatsappLogin};
pub use device::DeviceVerifier;
pub use error::CoreError;
pub use keys::{KeyPair, KeyProgress};
pub use session::Resumed;
