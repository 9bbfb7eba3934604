//! `GET /v1/auth/channels`: how this server can send codes, and whether it
//! asks for a captcha first, so the app offers only what works.
//!
//! Invariant: a channel is offered only when a transport for it is
//! configured (WhatsApp also needs the bot's number and webhook secret).

use crate::http::Shared;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/v1/auth/channels", tag = "auth",
    description = "How this server can send codes: the app offers only these.",
    responses((status = 200, body = carekey_api::AuthChannels)))]
pub(super) async fn auth_channels(State(state): Shared) -> Json<carekey_api::AuthChannels> {
    use crate::outbound::messages::Channel;
    let has = |channel| state.channels.transport_for(channel).is_some();
    Json(carekey_api::AuthChannels {
        email: has(Channel::Email),
        sms: has(Channel::Sms),
        whatsapp: has(Channel::Whatsapp) && state.whatsapp.is_some(),
        captcha: state
            .captcha
            .as_ref()
            .map(crate::outbound::captcha::Captcha::challenge),
    })
}
