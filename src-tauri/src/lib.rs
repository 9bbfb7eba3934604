//! The CareKey app shell: the Tauri builder, its plugins and commands, and
//! the start of the embedded server. What the app does lives in
//! `carekey-core`; what it shows lives in `ui/`.

mod backend;
mod commands;
mod diagnostics;
mod downloads;
mod error;
mod handover;
mod intake;
mod key_operations;
mod language;
mod logs;
mod renderer;
mod scheme;
mod updates;

use backend::Backend;
use tauri::Manager;

pub(crate) fn show_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    match app.path().app_log_dir() {
        Ok(folder) => logs::open_file(&folder),
        Err(error) => {
            tracing::warn!(%error, "no log folder on this system; logging to standard error only")
        }
    }
    let data_dir = app.path().app_data_dir()?;
    let config_dir = app.path().app_config_dir()?;
    app.manage(Backend::new(data_dir, &config_dir));
    app.manage(intake::LinkIntake::default());
    app.manage(intake::OpenedInvitation::default());
    if let Some(window) = app.get_webview_window("main") {
        renderer::reload_when_the_page_dies(&window);
    }

    // Links: the one the app was started with (a cold start), and those a
    // later launch hands over (single-instance forwards them here).
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let handle = app.handle().clone();
        app.deep_link().on_open_url(move |event| {
            let intake = handle.state::<intake::LinkIntake>();
            for url in event.urls() {
                intake.receive(url.to_string());
            }
            show_main_window(&handle);
        });
        match app.deep_link().get_current() {
            Ok(Some(urls)) => {
                let intake = app.state::<intake::LinkIntake>();
                for url in urls {
                    intake.receive(url.to_string());
                }
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "cannot read the link the app was opened with"),
        }
    }

    app.manage(key_operations::KeyOperations::default());
    // Updates are looked for in the background, where this build has any.
    app.manage(updates::Updates::default());
    updates::start_looking(app.handle());

    // Start the server (or check the configured one) and read the saved
    // session from the keychain while the window loads: the page's first
    // call, `session_resume`, then waits for neither.
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        match handle.state::<Backend>().connection().await {
            Ok(connection) => connection.client.read_saved_session().await,
            Err(error) => tracing::error!(code = %error.code, "cannot connect at start-up"),
        }
    });

    Ok(())
}

pub fn run() {
    logs::start();
    if !handover::before_start() {
        return;
    }
    let builder = tauri::Builder::default();
    // First, so that a second launch hands over to the running app (and
    // its deep link, with the plugin's `deep-link` feature) before anything
    // else of it starts.
    #[cfg(desktop)]
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
        handover::on_second_launch(app, argv);
    }));
    // Windows and macOS install their own signed updates (`updates`).
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    let builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    let app = builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::auth::session_resume,
            commands::auth::login_start,
            commands::auth::login_resend,
            commands::auth::login_complete,
            commands::auth::login_abandon,
            commands::auth::login_wait_approval,
            commands::auth::auth_channels,
            commands::captcha::captcha_solve,
            commands::auth::login_whatsapp_start,
            commands::auth::login_whatsapp_wait,
            commands::auth::login_whatsapp_confirm,
            commands::auth::proof_start,
            commands::auth::proof_verify,
            commands::auth::guest_start,
            commands::auth::preferences_get,
            commands::auth::preferences_set,
            commands::auth::log_out,
            commands::auth::phone_add,
            commands::auth::phone_verify,
            commands::auth::email_change,
            commands::auth::email_verify,
            commands::auth::account_delete,
            commands::data::account_export,
            commands::auth::profile_rename,
            commands::links::links_watch,
            commands::links::link_consume,
            commands::keys::key_create,
            commands::keys::backup_status,
            commands::keys::password_strength,
            commands::keys::backup_set_password,
            commands::keys::recovery_key_prepare,
            commands::keys::recovery_key_confirm,
            commands::keys::restore_password,
            commands::keys::restore_recovery_key,
            commands::keys::transfer_offer,
            commands::keys::transfer_take,
            commands::keys::backup_export,
            commands::keys::restore_file,
            commands::keys::audit_log,
            commands::keys::keys_list,
            commands::keys::key_revoke,
            commands::devices::sessions_list,
            commands::devices::session_end,
            commands::devices::sessions_end_others,
            commands::data::samples_list,
            commands::data::sample_write,
            commands::data::notes_share,
            commands::care::patients_list,
            commands::care::patient_answer,
            commands::care::care_set_clinician,
            commands::care::patient_reshare,
            commands::care::invitation_make,
            commands::care::invitations_list,
            commands::care::invitation_revoke,
            commands::care::invitation_accept,
            commands::care::invitation_forget,
            commands::data::dev_inbox,
            commands::data::countries,
            commands::settings::settings_get,
            commands::settings::settings_set_server,
            commands::settings::ui_language_get,
            commands::settings::ui_language_set,
            commands::settings::diagnostics_get,
            commands::settings::update_status,
            commands::settings::update_install,
        ])
        .setup(setup)
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        // A launch while the running app is quitting finds it still on the
        // session bus, asks it to take over, and gets no answer: the one
        // that quits is gone a moment later, so this launch starts again
        // rather than leaving the person with nothing.
        Err(tauri::Error::PluginInitialization(plugin, _)) if plugin == "single-instance" => {
            handover::start_again_after_handover_failed()
        }
        Err(error) => {
            tracing::error!(%error, "CareKey cannot start");
            eprintln!("CareKey cannot start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| match event {
        // The first sign of quitting (the main window closing; the captcha
        // window's closing is not one): a launch from now on starts anew.
        tauri::RunEvent::WindowEvent {
            label,
            event: tauri::WindowEvent::CloseRequested { .. } | tauri::WindowEvent::Destroyed,
            ..
        } if label == "main" => handover::let_go(handle),
        tauri::RunEvent::ExitRequested { .. } => handover::let_go(handle),
        tauri::RunEvent::Exit => {
            handover::let_go(handle);
            // Close the embedded server's database cleanly.
            tauri::async_runtime::block_on(handle.state::<Backend>().shut_down());
            logs::flush();
        }
        _ => {}
    });
}
