//! BioT's OTP endpoints (`/ums/v2/users/otp/*`), field for field as BioT documents them.

use crate::SecretString;
use serde::{Deserialize, Serialize};

/// `POST /ums/v2/users/otp/generate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BiotOtpGenerateRequest {
    pub phone: String,
    /// Not in BioT's API: a captcha token, required when this server checks
    /// captchas (unless `captcha_exempt_biot` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub captcha_token: Option<crate::SecretString>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BiotOtpGenerateResponse {
    pub request_id: String,
    /// Six asterisks and the last four digits: `******8901`.
    pub phone: String,
}

/// `POST /ums/v2/users/otp/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BiotOtpLoginRequest {
    pub request_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: SecretString,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BiotJwt {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: SecretString,
    pub expiration: String,
}

/// The answer to OTP login and token refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BiotLoginResponse {
    pub user_id: String,
    pub owner_organization_id: String,
    pub access_jwt: BiotJwt,
    pub refresh_jwt: BiotJwt,
    pub mfa_required: bool,
    /// CareKey has no second factor after an OTP, so this is always null.
    pub mfa_expiration: Option<String>,
    pub password_reset_required: bool,
    pub phone: Option<String>,
}

/// `POST /ums/v2/users/token/refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BiotRefreshRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub refresh_token: SecretString,
}
