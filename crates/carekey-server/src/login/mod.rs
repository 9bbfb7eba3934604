//! Login: everything from "here is my email, phone or WhatsApp" to a
//! session. A start (`start`) sends a code and a magic link; the device
//! completes with either (`complete`), or waits while another device
//! approves from the link's page (`links`, `approval`); WhatsApp proves the
//! number by the person's own message (`whatsapp`); captcha guards every
//! start (`captcha`); the BioT endpoints speak BioT's wire format (`biot`);
//! sessions are refreshed and ended in `sessions`.
//!
//! Invariant: every check of a code, link or verifier takes its try
//! atomically before it compares (`complete`), on both databases.

mod biot;
pub mod captcha;
mod channels;
pub mod complete;
pub mod links;
mod resend;
mod sessions;
mod sql;
pub mod start;
pub mod whatsapp;

use crate::http::Routes;
use utoipa_axum::routes;

pub use sql::operations;

pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(start::start))
        .routes(routes!(resend::resend))
        .routes(routes!(complete::complete))
        .routes(routes!(complete::approval))
        .routes(routes!(sessions::refresh))
        .routes(routes!(sessions::logout))
        .routes(routes!(channels::auth_channels))
        .routes(routes!(captcha::captcha_page))
        .routes(routes!(captcha::captcha_done))
        .routes(routes!(whatsapp::whatsapp_start))
        .routes(routes!(whatsapp::whatsapp_wait))
        .routes(whatsapp::webhook_routes())
        .routes(routes!(links::link_landing))
        .routes(routes!(links::link_approve))
        .routes(routes!(biot::biot_generate))
        .routes(routes!(biot::biot_login))
        .routes(routes!(biot::biot_refresh))
}
