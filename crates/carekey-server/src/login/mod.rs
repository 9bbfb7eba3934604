//! Login.

pub mod auth;
pub mod captcha;
pub mod links;
pub mod whatsapp;
