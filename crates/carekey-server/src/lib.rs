//! CareKey Server: passwordless registration and login with one-time codes
//! sent by email or SMS, on SQLite or PostgreSQL.
//!
//! The app embeds it ([`start`]); `carekey-server` runs it standalone.

mod accounts;
mod auth;
mod backups;
mod captcha;
mod care;
mod channels;
pub mod clock;
mod connections;
mod db;
mod error;
mod guests;
mod http;
mod identity;
mod integrations;
mod keys;
mod limits;
mod links;
mod logging;
mod messages;
mod metrics;
mod phone_numbers;
mod proofs;
mod queue;
mod samples;
mod secrets;
mod server;
mod sessions;
pub mod settings;
mod state;
mod tokens;
mod whatsapp;

pub use clock::Clock;
pub use identity::{mask_email, mask_phone, normalise_phone};
pub use logging::init_logging;
pub use secrets::challenge_of;
pub use server::{RunningServer, StartError, start, start_with_clock};
pub use settings::Settings;
pub use whatsapp::webhook_signature;
