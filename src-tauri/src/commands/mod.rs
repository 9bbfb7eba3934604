//! The commands the web UI may call, one module per domain. Each answers
//! with data for a screen or a [`crate::error::CommandError`]; none answers
//! with a token, a code the user did not type, or key material: those stay
//! in the core and the keychain.

pub mod auth;
pub mod captcha;
pub mod care;
pub mod data;
pub mod keys;
pub mod links;
pub mod settings;
