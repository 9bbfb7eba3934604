//! CareKey Server: passwordless registration and login with one-time codes
//! sent by email, SMS or WhatsApp, on SQLite or PostgreSQL.
//!
//! The app embeds it ([`start`]); `carekey-server` runs it standalone.
//!
//! The tree reads like the product. Each flow is a folder holding its
//! routes (with their OpenAPI description), its logic and its SQL:
//! `login/`, `account/`, `keys/`, `care/`. They stand on `outbound/` (the
//! durable queue and what it delivers) and on the shared infrastructure at
//! the top level (database, clock, secrets, tokens, limits, identity,
//! errors, the state every handler shares) and `http/` (extractors, guards,
//! operations endpoints). `app/` starts it all and assembles the router.
//! Nothing below a flow imports a flow, and no two top-level modules
//! import each other: `layering`'s tests check both from the source.

mod account;
mod accounts;
pub mod admin;
mod app;
mod app_links;
mod care;
pub mod clock;
mod codes;
mod db;
mod error;
#[cfg(any(test, feature = "fuzz"))]
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod identity;
mod keys;
#[cfg(test)]
mod layering;
mod limits;
mod logging;
mod login;
mod metrics;
pub mod oprf_keys;
mod outbound;
mod places;
mod secrets;
mod sessions;
pub mod settings;
mod state;
mod tokens;

pub use app::{RunningServer, StartError, check, migrate, start, start_with_clock};
pub use clock::Clock;
pub use identity::{mask_email, mask_phone, normalise_phone};
pub use logging::init_logging;
pub use outbound::whatsapp_bot::webhook_signature;
pub use secrets::challenge_of;
pub use settings::Settings;
