//! The CareKey server's HTTP API, as the client calls it.
//!
//! Every call goes out through [`ApiClient::dispatch`], which gives it an
//! `x-request-id` that the server logs too, and logs the call (method, path,
//! status, time) under that id: one id finds both sides of a call in the
//! app's log and the server's. Paths carry ids, never secrets; bodies and
//! URLs with queries are not logged.

use crate::error::CoreError;
use carekey_api::{
    ApiError, AuditLog, Backup, BackupInfo, BackupKind, BackupUpload, Backups, CompleteRequest,
    LogoutRequest, OprfAnswer, OprfConfirmation, OprfRequest, Patient, Patients, PhoneRequest,
    PhoneVerifyRequest, Profile, PublicKeyInfo, PublicKeyUpload, PublicKeys, RefreshRequest,
    ResendRequest, Sample, SampleKeysUpload, SampleUpload, Samples, SecretString, SessionResponse,
    StartRequest, StartResponse, Transfer, TransferOffer, TransferUpload,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base)
            .finish()
    }
}

impl ApiClient {
    /// A client of the server at `base` (`https://auth.example.org`).
    pub fn new(base: &str) -> Result<Self, CoreError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|_| CoreError::Unreachable)?;
        Ok(ApiClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `request` with a new request id, and logs it.
    async fn dispatch(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, CoreError> {
        let request_id = uuid::Uuid::new_v4().to_string();
        let request = request
            .header(carekey_api::REQUEST_ID_HEADER, &request_id)
            .build()
            .map_err(|_| CoreError::Unreachable)?;
        let method = request.method().clone();
        let path = request.url().path().to_owned();
        let started = std::time::Instant::now();
        let answer = self.http.execute(request).await;
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &answer {
            Ok(response) => tracing::info!(
                %request_id, %method, %path, status = response.status().as_u16(), millis,
                "api call"
            ),
            // reqwest's error names the URL; the kind of failure is enough.
            Err(error) => tracing::warn!(
                %request_id, %method, %path, millis,
                timeout = error.is_timeout(), connect = error.is_connect(),
                "api call failed"
            ),
        }
        answer.map_err(|_| CoreError::Unreachable)
    }

    async fn send<R: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<R, CoreError> {
        let response = self.dispatch(request).await?;
        let status = response.status();
        let body = response.bytes().await.map_err(|_| CoreError::Unreachable)?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|_| CoreError::BadAnswer);
        }
        match serde_json::from_slice::<ApiError>(&body) {
            Ok(error) => Err(CoreError::Api(error)),
            Err(_) if status.is_server_error() => Err(CoreError::Unreachable),
            Err(_) => Err(CoreError::BadAnswer),
        }
    }

    /// Whether a CareKey server answers here and is ready (`/readyz`).
    pub async fn ready(&self) -> Result<(), CoreError> {
        #[derive(serde::Deserialize)]
        struct Ready {
            status: String,
        }
        let request = self.http.get(format!("{}/readyz", self.base));
        let ready: Ready = self.send(request).await?;
        if ready.status == "ready" {
            Ok(())
        } else {
            Err(CoreError::BadAnswer)
        }
    }

    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        bearer: Option<&SecretString>,
    ) -> Result<R, CoreError> {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token.expose());
        }
        self.send(request).await
    }

    async fn put<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        bearer: &SecretString,
    ) -> Result<R, CoreError> {
        let request = self
            .http
            .put(format!("{}{path}", self.base))
            .json(body)
            .bearer_auth(bearer.expose());
        self.send(request).await
    }

    async fn get<R: DeserializeOwned>(
        &self,
        path: &str,
        bearer: &SecretString,
    ) -> Result<R, CoreError> {
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(bearer.expose());
        self.send(request).await
    }

    pub async fn start(&self, request: &StartRequest) -> Result<StartResponse, CoreError> {
        self.post("/v1/auth/start", request, None).await
    }

    pub async fn resend(
        &self,
        request_id: &str,
        captcha_token: Option<SecretString>,
    ) -> Result<StartResponse, CoreError> {
        let body = ResendRequest {
            captcha_token,
            request_id: request_id.to_owned(),
        };
        self.post("/v1/auth/resend", &body, None).await
    }

    pub async fn complete(&self, request: &CompleteRequest) -> Result<SessionResponse, CoreError> {
        self.post("/v1/auth/complete", request, None).await
    }

    pub async fn channels(&self) -> Result<carekey_api::AuthChannels, CoreError> {
        let request = self.http.get(format!("{}/v1/auth/channels", self.base));
        self.send(request).await
    }

    pub async fn whatsapp_start(
        &self,
        request: &carekey_api::WhatsappStartRequest,
    ) -> Result<carekey_api::WhatsappStartResponse, CoreError> {
        self.post("/v1/auth/whatsapp", request, None).await
    }

    /// Long-polls for the person's WhatsApp message; `whatsapp_pending`
    /// when none came within `wait_seconds`. The request may take the hold
    /// and a margin (the client's usual timeout is shorter than a hold).
    pub async fn whatsapp_wait(
        &self,
        request: &carekey_api::WhatsappWaitRequest,
    ) -> Result<StartResponse, CoreError> {
        self.long_poll("/v1/auth/whatsapp/wait", request, request.wait_seconds)
            .await
    }

    /// Long-polls for an approval from another device; `approval_pending`
    /// when none came within `wait_seconds`.
    pub async fn approval(
        &self,
        request: &carekey_api::ApprovalRequest,
    ) -> Result<SessionResponse, CoreError> {
        self.long_poll("/v1/auth/approval", request, request.wait_seconds)
            .await
    }

    async fn long_poll<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        hold_seconds: u32,
    ) -> Result<R, CoreError> {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .timeout(crate::waiting::long_poll_timeout(hold_seconds));
        self.send(request).await
    }

    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
    ) -> Result<SessionResponse, CoreError> {
        let body = RefreshRequest {
            refresh_token: refresh_token.clone(),
        };
        self.post("/v1/auth/refresh", &body, None).await
    }

    pub async fn logout(
        &self,
        access_token: &SecretString,
        refresh_token: &SecretString,
    ) -> Result<(), CoreError> {
        let body = LogoutRequest {
            refresh_token: Some(refresh_token.clone()),
        };
        self.post_answering_nothing("/v1/auth/logout", &body, access_token)
            .await
    }

    /// A POST whose success has no body (204).
    async fn post_answering_nothing<B: Serialize>(
        &self,
        path: &str,
        body: &B,
        access_token: &SecretString,
    ) -> Result<(), CoreError> {
        self.send_answering_nothing(
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(access_token.expose())
                .json(body),
        )
        .await
    }

    /// Sends a request whose success has no body (204).
    async fn send_answering_nothing(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(), CoreError> {
        let response = self.dispatch(request).await?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status();
        let body = response.bytes().await.map_err(|_| CoreError::Unreachable)?;
        match serde_json::from_slice::<ApiError>(&body) {
            Ok(error) => Err(CoreError::Api(error)),
            Err(_) if status.is_server_error() => Err(CoreError::Unreachable),
            Err(_) => Err(CoreError::BadAnswer),
        }
    }

    /// Sends a code to the account's own contact (a fresh proof).
    pub async fn start_proof(
        &self,
        access_token: &SecretString,
    ) -> Result<StartResponse, CoreError> {
        self.post("/v1/me/proof", &serde_json::json!({}), Some(access_token))
            .await
    }

    pub async fn verify_proof(
        &self,
        access_token: &SecretString,
        request: &PhoneVerifyRequest,
    ) -> Result<(), CoreError> {
        self.post_answering_nothing("/v1/me/proof/verify", request, access_token)
            .await
    }

    pub async fn me(&self, access_token: &SecretString) -> Result<Profile, CoreError> {
        self.get("/v1/me", access_token).await
    }

    /// `PUT /v1/me/name`: the account's new name; answers the profile.
    pub async fn rename(
        &self,
        access_token: &SecretString,
        request: &carekey_api::NameRequest,
    ) -> Result<Profile, CoreError> {
        self.put("/v1/me/name", request, access_token).await
    }

    /// `PUT /v1/me/language`: the language the account's messages are
    /// written in; answers the profile.
    pub async fn set_language(
        &self,
        access_token: &SecretString,
        request: &carekey_api::LanguageRequest,
    ) -> Result<Profile, CoreError> {
        self.put("/v1/me/language", request, access_token).await
    }

    /// `PUT /v1/me/clinician`: the patient's clinician from now on, or none.
    pub async fn set_clinician(
        &self,
        access_token: &SecretString,
        request: &carekey_api::ClinicianRequest,
    ) -> Result<Profile, CoreError> {
        self.put("/v1/me/clinician", request, access_token).await
    }

    pub async fn add_phone(
        &self,
        access_token: &SecretString,
        request: &PhoneRequest,
    ) -> Result<StartResponse, CoreError> {
        self.post("/v1/me/phone", request, Some(access_token)).await
    }

    pub async fn verify_phone(
        &self,
        access_token: &SecretString,
        request: &PhoneVerifyRequest,
    ) -> Result<Profile, CoreError> {
        self.post("/v1/me/phone/verify", request, Some(access_token))
            .await
    }

    pub async fn change_email(
        &self,
        access_token: &SecretString,
        request: &carekey_api::EmailRequest,
    ) -> Result<StartResponse, CoreError> {
        self.post("/v1/me/email", request, Some(access_token)).await
    }

    pub async fn verify_email(
        &self,
        access_token: &SecretString,
        request: &PhoneVerifyRequest,
    ) -> Result<Profile, CoreError> {
        self.post("/v1/me/email/verify", request, Some(access_token))
            .await
    }

    pub async fn register_key(
        &self,
        access_token: &SecretString,
        upload: &PublicKeyUpload,
    ) -> Result<PublicKeyInfo, CoreError> {
        self.post("/v1/keys", upload, Some(access_token)).await
    }

    pub async fn keys(&self, access_token: &SecretString) -> Result<PublicKeys, CoreError> {
        self.get("/v1/keys", access_token).await
    }

    /// Revokes one of the caller's keys (a fresh proof is needed).
    pub async fn revoke_key(
        &self,
        access_token: &SecretString,
        key_id: &str,
    ) -> Result<PublicKeyInfo, CoreError> {
        let request = self
            .http
            .delete(format!("{}/v1/keys/{}", self.base, path_part(key_id)))
            .bearer_auth(access_token.expose());
        self.send(request).await
    }

    /// The public keys of someone the caller shares with.
    pub async fn user_keys(
        &self,
        access_token: &SecretString,
        user_id: &str,
    ) -> Result<PublicKeys, CoreError> {
        self.get(
            &format!("/v1/users/{}/keys", path_part(user_id)),
            access_token,
        )
        .await
    }

    /// Shares sample `id` of the caller's with more keys.
    pub async fn share_sample(
        &self,
        access_token: &SecretString,
        id: &str,
        upload: &SampleKeysUpload,
    ) -> Result<Sample, CoreError> {
        self.post(
            &format!("/v1/samples/{}/keys", path_part(id)),
            upload,
            Some(access_token),
        )
        .await
    }

    /// The patients who named the caller as their clinician.
    pub async fn patients(&self, access_token: &SecretString) -> Result<Patients, CoreError> {
        self.get("/v1/patients", access_token).await
    }

    /// `POST /v1/invitations`: a clinician's new invitation and its links.
    pub async fn make_invitation(
        &self,
        access_token: &SecretString,
        request: &carekey_api::InvitationRequest,
    ) -> Result<carekey_api::NewInvitation, CoreError> {
        self.post("/v1/invitations", request, Some(access_token))
            .await
    }

    pub async fn invitations(
        &self,
        access_token: &SecretString,
    ) -> Result<carekey_api::Invitations, CoreError> {
        self.get("/v1/invitations", access_token).await
    }

    /// `DELETE /v1/invitations/{id}` (answers 204, no body).
    pub async fn revoke_invitation(
        &self,
        access_token: &SecretString,
        invitation_id: &str,
    ) -> Result<(), CoreError> {
        self.send_answering_nothing(
            self.http
                .delete(format!(
                    "{}/v1/invitations/{}",
                    self.base,
                    path_part(invitation_id)
                ))
                .bearer_auth(access_token.expose()),
        )
        .await
    }

    /// `POST /v1/invitations/open`: who invites (no session needed).
    pub async fn open_invitation(
        &self,
        invitation: &SecretString,
    ) -> Result<carekey_api::InvitedBy, CoreError> {
        let body = carekey_api::InvitationToken {
            invitation: invitation.clone(),
        };
        self.post("/v1/invitations/open", &body, None).await
    }

    /// The caller's answer to a patient who named him: `accept` or `decline`.
    pub async fn answer_patient(
        &self,
        access_token: &SecretString,
        patient_id: &str,
        answer: &str,
    ) -> Result<Patient, CoreError> {
        self.post(
            &format!("/v1/patients/{}/{answer}", path_part(patient_id)),
            &serde_json::json!({}),
            Some(access_token),
        )
        .await
    }

    pub async fn backups(&self, access_token: &SecretString) -> Result<Backups, CoreError> {
        self.get("/v1/me/backups", access_token).await
    }

    pub async fn store_backup(
        &self,
        access_token: &SecretString,
        kind: BackupKind,
        upload: &BackupUpload,
    ) -> Result<BackupInfo, CoreError> {
        self.put(
            &format!("/v1/me/backups/{}", kind.as_str()),
            upload,
            access_token,
        )
        .await
    }

    /// The server's OPRF for sealing a new password backup (a fresh context).
    pub async fn oprf_for_sealing(
        &self,
        access_token: &SecretString,
        request: &OprfRequest,
    ) -> Result<OprfAnswer, CoreError> {
        self.post(
            "/v1/me/backups/password/oprf/seal",
            request,
            Some(access_token),
        )
        .await
    }

    /// The server's OPRF for opening the stored password backup: a try.
    pub async fn oprf_for_opening(
        &self,
        access_token: &SecretString,
        request: &OprfRequest,
    ) -> Result<OprfAnswer, CoreError> {
        self.post("/v1/me/backups/password/oprf", request, Some(access_token))
            .await
    }

    /// Proves the stored password backup opened: the count starts again.
    pub async fn oprf_confirm(
        &self,
        access_token: &SecretString,
        confirmation: &OprfConfirmation,
    ) -> Result<(), CoreError> {
        self.post_answering_nothing(
            "/v1/me/backups/password/oprf/confirm",
            confirmation,
            access_token,
        )
        .await
    }

    pub async fn fetch_backup(
        &self,
        access_token: &SecretString,
        kind: BackupKind,
    ) -> Result<Backup, CoreError> {
        self.get(&format!("/v1/me/backups/{}", kind.as_str()), access_token)
            .await
    }

    pub async fn audit(&self, access_token: &SecretString) -> Result<AuditLog, CoreError> {
        self.get("/v1/me/audit", access_token).await
    }

    pub async fn offer_transfer(
        &self,
        access_token: &SecretString,
        upload: &TransferUpload,
    ) -> Result<TransferOffer, CoreError> {
        self.post("/v1/me/transfers", upload, Some(access_token))
            .await
    }

    pub async fn take_transfer(
        &self,
        access_token: &SecretString,
        transfer_id: &str,
    ) -> Result<Transfer, CoreError> {
        let path = format!("/v1/me/transfers/{}/take", path_part(transfer_id));
        self.post(&path, &serde_json::json!({}), Some(access_token))
            .await
    }

    pub async fn create_sample(
        &self,
        access_token: &SecretString,
        upload: &SampleUpload,
    ) -> Result<Sample, CoreError> {
        self.post("/v1/samples", upload, Some(access_token)).await
    }

    pub async fn samples(&self, access_token: &SecretString) -> Result<Samples, CoreError> {
        self.get("/v1/samples", access_token).await
    }

    pub async fn start_guest(
        &self,
        request: &carekey_api::GuestRequest,
    ) -> Result<SessionResponse, CoreError> {
        self.post("/v1/auth/guest", request, None).await
    }

    pub async fn settings(
        &self,
        access_token: &SecretString,
    ) -> Result<carekey_api::UserSettings, CoreError> {
        self.get("/v1/me/settings", access_token).await
    }

    pub async fn save_settings(
        &self,
        access_token: &SecretString,
        settings: &carekey_api::UserSettings,
    ) -> Result<carekey_api::UserSettings, CoreError> {
        self.put("/v1/me/settings", settings, access_token).await
    }

    /// `DELETE /v1/me/guest` (answers 204, no body).
    pub async fn close_guest(&self, access_token: &SecretString) -> Result<(), CoreError> {
        self.send_answering_nothing(
            self.http
                .delete(format!("{}/v1/me/guest", self.base))
                .bearer_auth(access_token.expose()),
        )
        .await
    }

    /// `GET /v1/me/sessions`: where the account is logged in.
    pub async fn sessions(
        &self,
        access_token: &SecretString,
    ) -> Result<carekey_api::AccountSessions, CoreError> {
        self.get("/v1/me/sessions", access_token).await
    }

    /// `DELETE /v1/me`: deletes the account and everything it holds.
    pub async fn delete_account(&self, access_token: &SecretString) -> Result<(), CoreError> {
        self.send_answering_nothing(
            self.http
                .delete(format!("{}/v1/me", self.base))
                .bearer_auth(access_token.expose()),
        )
        .await
    }

    /// `DELETE /v1/me/sessions/{id}`: ends one of the account's sessions.
    pub async fn end_session(
        &self,
        access_token: &SecretString,
        session_id: &str,
    ) -> Result<(), CoreError> {
        self.send_answering_nothing(
            self.http
                .delete(format!(
                    "{}/v1/me/sessions/{}",
                    self.base,
                    path_part(session_id)
                ))
                .bearer_auth(access_token.expose()),
        )
        .await
    }

    /// `POST /v1/me/sessions/revoke-others`: ends every session but this one.
    pub async fn end_other_sessions(
        &self,
        access_token: &SecretString,
    ) -> Result<carekey_api::SessionsRevoked, CoreError> {
        self.post(
            "/v1/me/sessions/revoke-others",
            &serde_json::json!({}),
            Some(access_token),
        )
        .await
    }
}

/// Ids go into paths: anything but letters, digits and dashes is dropped,
/// so that an id can never name another route.
fn path_part(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}
