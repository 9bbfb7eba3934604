//! One CareKey at a time, and a launch never lost. A launch while CareKey
//! runs hands its arguments (a deep link) to the running one and exits; a
//! launch while the running one is quitting starts normally and handles its
//! link itself. So:
//! - a CareKey that starts to quit lets go of its single-instance name on
//!   the session bus first ([`let_go`]), so that launches from then on start
//!   as the new instance;
//! - a handover that reaches it anyway, in the instant before, is started
//!   again on the launch's behalf ([`on_second_launch`]);
//! - a launch that finds the name held by an instance that does not answer
//!   (it is exiting) waits, in this same process, for the name to be free
//!   and starts then ([`before_start`]): a new process would leave whoever
//!   launched this one (a desktop, a test driver) with nothing.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once this instance starts to quit.
static QUITTING: AtomicBool = AtomicBool::new(false);

/// The single-instance plugin's name for this app (its identifier plus
/// `.SingleInstance`) and the object it serves there.
#[cfg(target_os = "linux")]
const BUS_NAME: &str = "app.carekey.desktop.SingleInstance";
#[cfg(target_os = "linux")]
const BUS_PATH: &str = "/app/carekey/desktop/SingleInstance";

/// How long a launch waits for a quitting CareKey to let go of the name:
/// a busy or slow computer may take several seconds to close one.
#[cfg(target_os = "linux")]
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);

/// Whether this launch should go on starting (`true`), or has handed its
/// arguments to the running CareKey (`false`: exit now).
pub fn before_start() -> bool {
    #[cfg(target_os = "linux")]
    {
        linux::before_start()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::{BUS_NAME, BUS_PATH, PATIENCE};
    use std::time::{Duration, Instant};

    pub fn before_start() -> bool {
        // Without a session bus, the plugin cannot find another instance
        // either: start.
        let Ok(connection) = zbus::blocking::Connection::session() else {
            return true;
        };
        let Ok(bus) = zbus::blocking::fdo::DBusProxy::new(&connection) else {
            return true;
        };
        let Ok(name) = zbus::names::BusName::try_from(BUS_NAME) else {
            return true;
        };
        let arguments: Vec<String> = std::env::args_os()
            .map(|argument| argument.to_string_lossy().into_owned())
            .collect();
        let here = std::env::current_dir()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let started = Instant::now();
        let mut waited = false;
        loop {
            match bus.name_has_owner(name.clone()) {
                Ok(true) => {}
                // Free: this launch is the instance. Unknown: let the
                // plugin decide.
                Ok(false) | Err(_) => {
                    if waited {
                        tracing::info!(
                            waited_ms = started.elapsed().as_millis(),
                            "the previous CareKey let go; starting"
                        );
                    }
                    return true;
                }
            }
            let handed = connection.call_method(
                Some(BUS_NAME),
                BUS_PATH,
                Some("org.SingleInstance.DBus"),
                "ExecuteCallback",
                &(arguments.clone(), here.as_str()),
            );
            match handed {
                Ok(_) => {
                    tracing::info!("handed over to the running CareKey");
                    return false;
                }
                Err(error) => {
                    if !waited {
                        tracing::info!(%error, "the running CareKey does not answer (quitting?); waiting for it");
                        waited = true;
                    }
                    if started.elapsed() > PATIENCE {
                        // The plugin tries once more, and the last resort
                        // (a new process) follows if that fails.
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }
}

/// This instance starts to quit: from now on a launch starts as the new
/// instance instead of handing over to this one.
pub fn let_go(app: &tauri::AppHandle) {
    if !QUITTING.swap(true, Ordering::SeqCst) {
        tracing::info!("quitting: letting go of the single-instance name");
        #[cfg(desktop)]
        tauri_plugin_single_instance::destroy(app);
    }
    #[cfg(not(desktop))]
    let _ = app;
}

/// A second launch handed over its arguments: show this window, or, if
/// this instance is quitting, start the launch again on its behalf so that
/// its link is not lost.
pub fn on_second_launch(app: &tauri::AppHandle, argv: Vec<String>) {
    if !QUITTING.load(Ordering::SeqCst) {
        crate::show_main_window(app);
        return;
    }
    tracing::info!("a launch reached this quitting CareKey; starting it again");
    let started = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .args(argv.iter().skip(1))
            .spawn()
    });
    if let Err(error) = started {
        tracing::error!(%error, "cannot start the launch again");
    }
}

/// How many times a launch starts again, half a second apart, when the
/// running app it should hand over to does not answer even after
/// [`before_start`] waited (it froze while quitting).
const HANDOVER_TRIES: u32 = 30;

/// Starts this same launch again (same arguments, so a link is not lost)
/// after a pause, at most [`HANDOVER_TRIES`] times; then gives up with the
/// reason.
pub fn start_again_after_handover_failed() -> ! {
    const TRIES: &str = "CAREKEY_HANDOVER_TRIES";
    let tried: u32 = std::env::var(TRIES)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    if tried >= HANDOVER_TRIES {
        tracing::error!("CareKey cannot start: the running CareKey does not answer");
        eprintln!("CareKey cannot start: another CareKey is running but does not answer");
        std::process::exit(1);
    }
    tracing::warn!(
        tried,
        "the running CareKey did not answer (quitting?); starting again"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let started = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(TRIES, (tried + 1).to_string())
            .spawn()
    });
    match started {
        Ok(_) => std::process::exit(0),
        Err(error) => {
            eprintln!("CareKey cannot start again: {error}");
            std::process::exit(1);
        }
    }
}
