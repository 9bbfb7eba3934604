//! Tauri's build step, with the config at the top of the repository and a
//! permission generated for each of the app's commands, so that the
//! capability in `capabilities/` grants those and nothing else.

const COMMANDS: &[&str] = &[
    // auth
    "session_resume",
    "login_start",
    "login_resend",
    "login_complete",
    "login_abandon",
    "login_wait_approval",
    "auth_channels",
    "captcha_solve",
    "login_whatsapp_start",
    "login_whatsapp_wait",
    "login_whatsapp_confirm",
    "proof_start",
    "proof_verify",
    "guest_start",
    "preferences_get",
    "preferences_set",
    "log_out",
    "phone_add",
    "phone_verify",
    "email_change",
    "email_verify",
    "profile_rename",
    "account_delete",
    "account_export",
    // links
    "links_watch",
    "link_consume",
    // keys
    "key_create",
    "backup_status",
    "password_strength",
    "backup_set_password",
    "recovery_key_prepare",
    "recovery_key_confirm",
    "restore_password",
    "restore_recovery_key",
    "transfer_offer",
    "transfer_take",
    "backup_export",
    "restore_file",
    "audit_log",
    "keys_list",
    "key_revoke",
    // devices
    "sessions_list",
    "session_end",
    "sessions_end_others",
    // data
    "samples_list",
    "sample_write",
    "notes_share",
    // care
    "patients_list",
    "patient_answer",
    "care_set_clinician",
    "patient_reshare",
    "invitation_make",
    "invitations_list",
    "invitation_revoke",
    "invitation_accept",
    "invitation_forget",
    "dev_inbox",
    "countries",
    // settings
    "settings_get",
    "ui_language_get",
    "ui_language_set",
    "settings_set_server",
    "diagnostics_get",
    "update_status",
    "update_install",
];

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=capabilities");
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports by exiting; there is no caller to return to.
        eprintln!("tauri build step failed: {error:#}");
        std::process::exit(1);
    }
}
