//! Registration, login, the saved session, log out.

use crate::backend::Backend;
use crate::error::CommandError;
use crate::intake::OpenedInvitation;
use carekey_api::{CareStatus, Profile, Role, StartResponse, mask_email, mask_phone};
use carekey_core::waiting::WaitState;
use carekey_core::{Contact, NewAccount, Resumed};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;

/// Who is logged in, as the home screen shows them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub user_id: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    /// The email or phone, masked (`a***@example.com`, `******8901`).
    pub contact: String,
    /// The login email, masked.
    pub email: Option<String>,
    /// The mobile number, masked, and whether it logs in by SMS.
    pub phone: Option<String>,
    pub phone_verified: bool,
    pub responsible_clinician_id: Option<String>,
    /// Whether that clinician accepted this patient (nothing is shared
    /// with him before).
    pub care_status: Option<CareStatus>,
    /// Grouped hex of the SHA-256 of this device's public key, if the
    /// device has the user's private key.
    pub key_fingerprint: Option<String>,
    /// A guest: no name, no contact, until they register or log in.
    pub guest: bool,
}

impl ProfileView {
    pub fn new(profile: Profile, key_fingerprint: Option<String>) -> Self {
        let contact = match (&profile.email, &profile.phone) {
            (Some(email), _) => mask_email(email),
            (None, Some(phone)) => mask_phone(phone),
            (None, None) => String::new(),
        };
        ProfileView {
            user_id: profile.user_id,
            role: profile.role,
            first_name: profile.first_name,
            last_name: profile.last_name,
            contact,
            email: profile.email.as_deref().map(mask_email),
            phone: profile.phone.as_deref().map(mask_phone),
            phone_verified: profile.phone_verified,
            responsible_clinician_id: profile.responsible_clinician_id,
            care_status: profile.care_status,
            key_fingerprint,
            guest: profile.guest,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum SessionView {
    LoggedIn {
        profile: ProfileView,
    },
    /// Logged in, but the server cannot be reached: the profile this device
    /// last saw, for a home screen marked offline.
    Offline {
        profile: ProfileView,
    },
    LoggedOut {
        reason: Option<String>,
        /// What `reason` is: an error code, or `session_ended`.
        #[serde(rename = "reasonCode")]
        reason_code: Option<String>,
    },
}

/// At start-up: the saved session opens home with no code (its access
/// token refreshed if it expired); an ended one leads to login with a reason.
#[tauri::command]
pub async fn session_resume(
    app: tauri::AppHandle,
    backend: State<'_, Backend>,
) -> Result<SessionView, CommandError> {
    let connection = backend.connection().await?;
    let view = match connection.client.resume().await? {
        Resumed::LoggedIn(profile) => {
            let fingerprint = connection.client.key_fingerprint().await?;
            SessionView::LoggedIn {
                profile: ProfileView::new(profile, fingerprint),
            }
        }
        Resumed::Offline(profile) => {
            let fingerprint = connection.client.key_fingerprint().await?;
            SessionView::Offline {
                profile: ProfileView::new(profile, fingerprint),
            }
        }
        Resumed::LoggedOut { reason, code } => SessionView::LoggedOut {
            reason,
            reason_code: code,
        },
    };
    // The start-up benchmark (tests/bench/startup.py) times the first screen by this line.
    tracing::info!(
        logged_in = matches!(view, SessionView::LoggedIn { .. }),
        offline = matches!(view, SessionView::Offline { .. }),
        "session resumed"
    );
    crate::scheme::register_after_first_screen(&app);
    Ok(view)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub responsible_clinician_id: Option<String>,
    /// Registers through the clinician's invitation opened last (kept in
    /// the backend, [`crate::intake::OpenedInvitation`]).
    #[serde(default)]
    pub through_invitation: bool,
}

/// A code on its way, as the code screen needs it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    /// Where it went, masked.
    pub login: String,
    pub expires_at: String,
    pub resend_after: String,
    pub code_length: u8,
    /// Logins: the number to type when approving from another device.
    pub match_number: Option<u8>,
}

impl From<StartResponse> for CodeSent {
    fn from(started: StartResponse) -> Self {
        CodeSent {
            login: started.login,
            expires_at: started.expires_at,
            resend_after: started.resend_after,
            code_length: started.code_length,
            match_number: started.match_number,
        }
    }
}

/// Sends a code: registers with `account`, logs in without.
#[tauri::command]
pub async fn login_start(
    backend: State<'_, Backend>,
    invitation: State<'_, OpenedInvitation>,
    contact: ContactInput,
    account: Option<AccountInput>,
) -> Result<CodeSent, CommandError> {
    let connection = backend.connection().await?;
    let contact = Contact {
        email: contact.email,
        phone: contact.phone,
        country: contact.country,
    };
    let account = new_account(account, &invitation)?;
    Ok(connection
        .client
        .start(&contact, account.as_ref())
        .await?
        .into())
}

/// The new account's details; through an invitation, the one opened last
/// (an app restarted since has forgotten it: the link opens it again).
fn new_account(
    account: Option<AccountInput>,
    opened: &OpenedInvitation,
) -> Result<Option<NewAccount>, CommandError> {
    let invitation = match &account {
        Some(account) if account.through_invitation => Some(opened.get().ok_or_else(|| {
            CommandError::new(
                "invitation_forgotten",
                "The invitation is no longer open in CareKey. Open its link again, or type your clinician's CareKey ID.",
            )
        })?),
        _ => None,
    };
    let account = account.map(|account| NewAccount {
        first_name: account.first_name,
        last_name: account.last_name,
        role: account.role,
        responsible_clinician_id: account.responsible_clinician_id,
        invitation,
    });
    if let Some(account) = &account {
        check_names(&account.first_name, &account.last_name)?;
    }
    Ok(account)
}

/// Both names given and each one the server takes (`carekey_api::names`),
/// checked here so the person is told in her language (the server's
/// refusal, `invalid_request`, says which field in English).
fn check_names(first_name: &str, last_name: &str) -> Result<(), CommandError> {
    use carekey_api::names::{NAME_MAX, clean};
    let (first, last) = (clean(first_name), clean(last_name));
    if first.is_err() || last.is_err() {
        return Err(CommandError::new(
            "invalid_name",
            format!("A name is at most {NAME_MAX} characters, without tabs or line breaks."),
        ));
    }
    if matches!(first, Ok(None)) || matches!(last, Ok(None)) {
        return Err(CommandError::new(
            "name_needed",
            "Give a first and a last name.",
        ));
    }
    Ok(())
}

/// Uses the app before any login: a guest session (notes and preferences
/// are carried into the account at login).
#[tauri::command]
pub async fn guest_start(backend: State<'_, Backend>) -> Result<ProfileView, CommandError> {
    let connection = backend.connection().await?;
    let profile = connection.client.start_as_guest().await?;
    Ok(ProfileView::new(profile, None))
}

/// The person's preferences (kept with their account, or their guest's).
#[tauri::command]
pub async fn preferences_get(
    backend: State<'_, Backend>,
) -> Result<serde_json::Map<String, serde_json::Value>, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.preferences().await?.values)
}

#[tauri::command]
pub async fn preferences_set(
    backend: State<'_, Backend>,
    values: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, CommandError> {
    let connection = backend.connection().await?;
    let settings = carekey_api::UserSettings { values };
    Ok(connection.client.save_preferences(&settings).await?.values)
}

/// Which ways of logging in the server offers.
#[tauri::command]
pub async fn auth_channels(
    backend: State<'_, Backend>,
) -> Result<carekey_api::AuthChannels, CommandError> {
    Ok(backend.connection().await?.client.channels().await?)
}

/// The WhatsApp message to send, as the screen shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatsappView {
    pub wa_link: String,
    pub qr_svg: String,
    pub text: String,
    pub bot_number: String,
    pub expires_at: String,
}

/// "Log in with WhatsApp": registers with `account`, logs in without.
#[tauri::command]
pub async fn login_whatsapp_start(
    backend: State<'_, Backend>,
    invitation: State<'_, OpenedInvitation>,
    account: Option<AccountInput>,
) -> Result<WhatsappView, CommandError> {
    let connection = backend.connection().await?;
    let account = new_account(account, &invitation)?;
    let login = connection.client.start_whatsapp(account.as_ref()).await?;
    Ok(WhatsappView {
        wa_link: login.started.wa_link,
        qr_svg: login.qr_svg,
        text: login.started.text,
        bot_number: login.started.bot_number,
        expires_at: login.started.expires_at,
    })
}

/// Waits for the person's WhatsApp message; then the code screen follows
/// (the bot's reply holds the link and the code). Ends with
/// `no_pending_login` when the person went back.
#[tauri::command]
pub async fn login_whatsapp_wait(
    backend: State<'_, Backend>,
    on_progress: Channel<WaitState>,
) -> Result<CodeSent, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection
        .client
        .wait_for_whatsapp_reporting(report_to(on_progress))
        .await?
        .into())
}

/// A wait's progress goes to the window as it comes; a window that went
/// away just stops receiving it.
fn report_to(channel: Channel<WaitState>) -> impl Fn(WaitState) + Send + Sync {
    move |state| {
        if let Err(error) = channel.send(state) {
            tracing::debug!(%error, "wait progress not delivered");
        }
    }
}

#[tauri::command]
pub async fn login_resend(backend: State<'_, Backend>) -> Result<CodeSent, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.resend().await?.into())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedInView {
    pub profile: ProfileView,
    pub is_new_user: bool,
    /// What the guest session on this device brought into the account.
    pub carried_over: Option<carekey_core::guest::CarriedOver>,
}

impl From<carekey_core::LoggedIn> for LoggedInView {
    fn from(logged_in: carekey_core::LoggedIn) -> Self {
        LoggedInView {
            profile: ProfileView::new(logged_in.profile, logged_in.key_fingerprint),
            is_new_user: logged_in.is_new_user,
            carried_over: logged_in.carried_over,
        }
    }
}

/// Trades the typed code for a session kept in the keychain.
#[tauri::command]
pub async fn login_complete(
    backend: State<'_, Backend>,
    code: String,
) -> Result<LoggedInView, CommandError> {
    let code = zeroize::Zeroizing::new(code);
    let connection = backend.connection().await?;
    let logged_in = connection.client.complete(&code).await?;
    Ok(logged_in.into())
}

/// While the code screen shows: waits for the login to be approved from
/// another device (the message's link opened there, approved with a tap),
/// and answers the session then. Ends with `no_pending_login` once the
/// login is over another way (a typed code, going back).
#[tauri::command]
pub async fn login_wait_approval(
    backend: State<'_, Backend>,
    on_progress: Channel<WaitState>,
) -> Result<LoggedInView, CommandError> {
    let connection = backend.connection().await?;
    let logged_in = connection
        .client
        .wait_for_approval_reporting(report_to(on_progress))
        .await?;
    Ok(logged_in.into())
}

/// The person confirmed the WhatsApp message came from their own number:
/// only then can a code, link or approval complete the login.
#[tauri::command]
pub async fn login_whatsapp_confirm(backend: State<'_, Backend>) -> Result<(), CommandError> {
    backend
        .connection()
        .await?
        .client
        .confirm_whatsapp()
        .await?;
    Ok(())
}

/// Sends a code to the account's own contact, when a change (a phone, a
/// key) needs a fresh proof that the person is the account's owner.
#[tauri::command]
pub async fn proof_start(backend: State<'_, Backend>) -> Result<CodeSent, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.start_proof().await?.into())
}

/// Proves that code; the change can then be made.
#[tauri::command]
pub async fn proof_verify(backend: State<'_, Backend>, code: String) -> Result<(), CommandError> {
    let code = zeroize::Zeroizing::new(code);
    backend
        .connection()
        .await?
        .client
        .verify_proof(&code)
        .await?;
    Ok(())
}

/// The person went back from the code screen.
#[tauri::command]
pub async fn login_abandon(backend: State<'_, Backend>) -> Result<(), CommandError> {
    backend.connection().await?.client.abandon().await;
    Ok(())
}

/// Ends the session on the server and forgets it here. The private key
/// stays in the keychain: it is the user's, not the session's.
#[tauri::command]
pub async fn log_out(backend: State<'_, Backend>) -> Result<(), CommandError> {
    backend.connection().await?.client.log_out().await?;
    Ok(())
}

/// Sends a code to a mobile number the logged-in user wants to log in with.
#[tauri::command]
pub async fn phone_add(
    backend: State<'_, Backend>,
    phone: String,
    country: Option<String>,
) -> Result<CodeSent, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection
        .client
        .add_phone(&phone, country.as_deref())
        .await?
        .into())
}

/// Proves the number with its code: from now on it logs in by SMS.
#[tauri::command]
pub async fn phone_verify(
    backend: State<'_, Backend>,
    code: String,
) -> Result<ProfileView, CommandError> {
    let code = zeroize::Zeroizing::new(code);
    let connection = backend.connection().await?;
    let profile = connection.client.verify_phone(&code).await?;
    let fingerprint = connection.client.key_fingerprint().await?;
    Ok(ProfileView::new(profile, fingerprint))
}

/// Sends a code to the email address the logged-in user wants to log in
/// with instead of their current one.
#[tauri::command]
pub async fn email_change(
    backend: State<'_, Backend>,
    email: String,
) -> Result<CodeSent, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.change_email(&email).await?.into())
}

/// Proves the new email address with its code: from now on it logs in.
#[tauri::command]
pub async fn email_verify(
    backend: State<'_, Backend>,
    code: String,
) -> Result<ProfileView, CommandError> {
    let code = zeroize::Zeroizing::new(code);
    let connection = backend.connection().await?;
    let profile = connection.client.verify_email(&code).await?;
    let fingerprint = connection.client.key_fingerprint().await?;
    Ok(ProfileView::new(profile, fingerprint))
}

/// Deletes the account on the server, then this device's session and key.
/// A refusal (`fresh_proof_required`, a clinician whose patients still name
/// him) changes nothing here.
#[tauri::command]
pub async fn account_delete(backend: State<'_, Backend>) -> Result<(), CommandError> {
    backend.connection().await?.client.delete_account().await?;
    Ok(())
}

/// Changes the account's first and last name; answers the profile for home.
#[tauri::command]
pub async fn profile_rename(
    backend: State<'_, Backend>,
    first_name: String,
    last_name: String,
) -> Result<ProfileView, CommandError> {
    check_names(&first_name, &last_name)?;
    let connection = backend.connection().await?;
    let profile = connection.client.rename(&first_name, &last_name).await?;
    let fingerprint = connection.client.key_fingerprint().await?;
    Ok(ProfileView::new(profile, fingerprint))
}
