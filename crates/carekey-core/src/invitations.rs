//! A clinician's invitations, from both sides: he makes one (its links and
//! a QR code of the https one), lists and revokes them; a patient's
//! device learns who invites before she registers through it, or names him
//! through it from her account.
//!
//! Invariant: an invitation's secret is only ever in the answer that made
//! it and in the links built from it; nothing here stores or logs it.

use crate::error::CoreError;
use crate::links::AppLink;
use carekey_api::{InvitationRequest, InvitationSummary, InvitedBy, Profile, SecretString};

/// A new invitation as the clinician's screen shows it.
#[derive(Debug, Clone)]
pub struct ShownInvitation {
    pub invitation: InvitationSummary,
    /// The https link, for a message or an email.
    pub link: SecretString,
    /// The `carekey://` link, which opens the app directly.
    pub app_link: SecretString,
    /// The QR code of `link`, as SVG.
    pub qr_svg: String,
}

/// What the server checks: `<invitation id>.<secret>` of an invitation
/// link; `None` for a login link.
pub fn token_of(link: &AppLink) -> Option<SecretString> {
    match link {
        AppLink::Invitation {
            invitation_id,
            secret,
        } => Some(SecretString::new(format!(
            "{invitation_id}.{}",
            secret.expose()
        ))),
        AppLink::Login { .. } => None,
    }
}

impl crate::Client {
    /// A new invitation of this clinician's, admitting `uses` patients for
    /// `valid_minutes` (the server's defaults when `None`).
    pub async fn invite(
        &self,
        uses: Option<u32>,
        valid_minutes: Option<u32>,
    ) -> Result<ShownInvitation, CoreError> {
        let request = InvitationRequest {
            uses,
            valid_minutes,
        };
        let made = self
            .sessions
            .with_token(|token| {
                let request = request.clone();
                async move { self.api.make_invitation(&token, &request).await }
            })
            .await?;
        // The QR code carries the https link: a phone's camera opens it
        // whether or not the app is installed there (App Links open the
        // app; otherwise its page does, and shows his ID to type).
        let qr_svg = crate::recovery::qr_svg(made.link.expose())?;
        Ok(ShownInvitation {
            invitation: made.invitation,
            link: made.link,
            app_link: made.app_link,
            qr_svg,
        })
    }

    /// This clinician's invitations that still admit someone, newest first.
    pub async fn invitations(&self) -> Result<Vec<InvitationSummary>, CoreError> {
        let listed = self
            .sessions
            .with_token(|token| async move { self.api.invitations(&token).await })
            .await?;
        Ok(listed.invitations)
    }

    /// Revokes one of this clinician's invitations: it admits nobody more.
    pub async fn revoke_invitation(&self, invitation_id: &str) -> Result<(), CoreError> {
        self.sessions
            .with_token(
                |token| async move { self.api.revoke_invitation(&token, invitation_id).await },
            )
            .await
    }

    /// Who invites, for the screen to show before anything is done with
    /// the invitation. Needs no session.
    pub async fn open_invitation(&self, invitation: &SecretString) -> Result<InvitedBy, CoreError> {
        self.api.open_invitation(invitation).await
    }

    /// A patient with an account names the inviting clinician through his
    /// invitation: she is his patient at once (her device then shares her
    /// earlier notes with him, as for any accepted clinician). Answers the
    /// profile, kept with the session.
    pub async fn accept_invitation(&self, invitation: &SecretString) -> Result<Profile, CoreError> {
        self.name_clinician(carekey_api::ClinicianRequest {
            clinician_id: None,
            invitation: Some(invitation.clone()),
        })
        .await
    }
}
