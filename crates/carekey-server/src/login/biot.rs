//! BioT's OTP endpoints (`/ums/v2/users/...`) on CareKey's login
//! machinery, in BioT's wire format and wording.
//!
//! Invariant: they log in existing users only, by SMS: an unknown phone gets
//! the same answer as a known one and nothing is sent; codes and tries are
//! the same as the native API's.

use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::http::{ClientIp, JsonBody, Shared};
use crate::identity::Contact;
use crate::login::complete::{Proof, redeem};
use crate::login::start::{Asked, Flavor, begin};
use crate::sessions;
use axum::Json;
use axum::extract::State;
use carekey_api::{
    ApiError, BiotJwt, BiotLoginResponse, BiotOtpGenerateRequest, BiotOtpGenerateResponse,
    BiotOtpLoginRequest, BiotRefreshRequest,
};

fn biot_response(issued: sessions::Issued) -> BiotLoginResponse {
    BiotLoginResponse {
        user_id: issued.user.id,
        owner_organization_id: issued.user.group_id,
        access_jwt: BiotJwt {
            token: issued.access_token,
            expiration: rfc3339(issued.access_expires),
        },
        refresh_jwt: BiotJwt {
            token: issued.refresh_token,
            expiration: rfc3339(issued.refresh_expires),
        },
        mfa_required: false,
        mfa_expiration: None,
        password_reset_required: false,
        phone: issued.user.phone,
    }
}

#[utoipa::path(post, path = "/ums/v2/users/otp/generate", tag = "biot",
    description = "BioT-compatible: send a code by SMS to an existing user. Same answer for an unknown phone, and nothing is sent.",
    request_body = BiotOtpGenerateRequest,
    responses(
        (status = 200, body = BiotOtpGenerateResponse),
        (status = 400, body = ApiError, description = "invalid_phone"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
pub(super) async fn biot_generate(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    JsonBody(request): JsonBody<BiotOtpGenerateRequest>,
) -> Result<Json<BiotOtpGenerateResponse>, ServiceError> {
    let contact = Contact::phone(&request.phone)?;
    let asked = Asked::by_device(ip, None, &contact);
    if state.channels.transport_for(asked.channel).is_none() {
        return Err(ServiceError::ChannelUnavailable("sms"));
    }
    if !state.captcha_exempt_biot {
        state
            .check_captcha(request.captcha_token.as_ref(), ip)
            .await?;
    }
    let started = begin(&state, Flavor::Biot, contact, None, None, asked).await?;
    Ok(Json(BiotOtpGenerateResponse {
        request_id: started.request_id,
        phone: started.contact.masked(),
    }))
}

#[utoipa::path(post, path = "/ums/v2/users/otp/login", tag = "biot",
    description = "BioT-compatible: trade the request id and code for JWTs.",
    request_body = BiotOtpLoginRequest,
    responses(
        (status = 200, body = BiotLoginResponse),
        (status = 400, body = ApiError, description = "invalid_code, code_expired"),
        (status = 403, body = ApiError, description = "account_disabled: an operator disabled the account"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
pub(super) async fn biot_login(
    State(state): Shared,
    JsonBody(request): JsonBody<BiotOtpLoginRequest>,
) -> Result<Json<BiotLoginResponse>, ServiceError> {
    let redeemed = redeem(
        &state,
        Flavor::Biot,
        &request.request_id,
        Proof::Code(request.code.expose()),
        None,
    )
    .await?;
    Ok(Json(biot_response(redeemed.issued)))
}

#[utoipa::path(post, path = "/ums/v2/users/token/refresh", tag = "biot",
    request_body = BiotRefreshRequest,
    responses(
        (status = 200, body = BiotLoginResponse),
        (status = 401, body = ApiError, description = "invalid_token, token_reused"),
        (status = 403, body = ApiError, description = "account_disabled: an operator disabled the account"),
    ))]
pub(super) async fn biot_refresh(
    State(state): Shared,
    JsonBody(request): JsonBody<BiotRefreshRequest>,
) -> Result<Json<BiotLoginResponse>, ServiceError> {
    let issued = sessions::refresh(&state, request.refresh_token.expose()).await?;
    Ok(Json(biot_response(issued)))
}
