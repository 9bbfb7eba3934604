//! "Copy diagnostics": what support needs to start, in a few lines people can
//! paste into a message.
//!
//! Invariant: the report holds the app's version, the system, the server's
//! address and where it came from, the log file's path and the last warnings
//! and errors as logged, and nothing else: never the session, the account or
//! a contact (the lines come from the log, which never holds those, see
//! `logs`). Building it connects to nothing, so it works when the server is
//! what is wrong.

use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    /// The app's version, for About.
    pub version: String,
    /// The whole report, as it goes on the clipboard.
    pub text: String,
    /// Where the log file is, when it could be opened.
    pub log_file: Option<String>,
    /// Whether the report is on the clipboard.
    pub copied: bool,
}

/// The server as the report names it: `address` and how it was chosen.
pub struct ServerLine<'a> {
    pub address: &'a str,
    pub chosen_by: &'a str,
}

/// `version`: the app's, as its package gives it (Tauri's package info,
/// which a bundle built with another version carries).
pub fn report(
    version: &str,
    server: ServerLine<'_>,
    log_file: Option<&Path>,
    problems: &[String],
) -> Diagnostics {
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    let mut text = format!(
        "CareKey {version} ({build})\nSystem: {}\nServer: {} ({})\nLog file: {}\n",
        system(),
        server.address,
        server.chosen_by,
        log_file.map_or_else(
            || "none (logging to standard error only)".to_owned(),
            |path| path.display().to_string()
        ),
    );
    if problems.is_empty() {
        text.push_str("Recent problems: none\n");
    } else {
        text.push_str(&format!(
            "Recent problems ({}, oldest first):\n",
            problems.len()
        ));
        for line in problems {
            text.push_str("  ");
            text.push_str(line.trim_end());
            text.push('\n');
        }
    }
    Diagnostics {
        version: version.to_owned(),
        text,
        log_file: log_file.map(|path| path.display().to_string()),
        copied: false,
    }
}

/// Puts `text` on the system's clipboard; false (and why, in the log) where
/// there is none to reach. On X11 the clipboard is served by whoever wrote
/// it last, for as long as it runs: the app keeps its writer for its life.
#[cfg(desktop)]
pub fn to_clipboard(text: &str) -> bool {
    use std::sync::{Mutex, OnceLock};
    static CLIPBOARD: OnceLock<Option<Mutex<arboard::Clipboard>>> = OnceLock::new();
    let clipboard = CLIPBOARD.get_or_init(|| match arboard::Clipboard::new() {
        Ok(clipboard) => Some(Mutex::new(clipboard)),
        Err(error) => {
            tracing::warn!(%error, "no clipboard");
            None
        }
    });
    let Some(Ok(mut clipboard)) = clipboard.as_ref().map(Mutex::lock) else {
        return false;
    };
    match clipboard.set_text(text) {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "cannot write the clipboard");
            false
        }
    }
}

/// Mobile systems: the text is shown to select.
#[cfg(not(desktop))]
pub fn to_clipboard(_: &str) -> bool {
    false
}

/// The system's name as its maker writes it (Linux: `PRETTY_NAME` of
/// os-release), with the kernel family and the processor.
fn system() -> String {
    let family = std::env::consts::OS;
    let arch = std::env::consts::ARCH;
    match pretty_name() {
        Some(name) => format!("{name} ({family}, {arch})"),
        None => format!("{family} ({arch})"),
    }
}

fn pretty_name() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    ["/etc/os-release", "/usr/lib/os-release"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| os_release_name(&text))
}

/// `PRETTY_NAME` of an os-release file (its value may be quoted).
fn os_release_name(text: &str) -> Option<String> {
    text.lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|value| value.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_version_system_server_log_and_problems_in_that_order() {
        let problems = vec![
            "WARN carekey_core::api: \"api call failed\" timeout=true".to_owned(),
            "ERROR carekey_app: \"cannot connect at start-up\" code=\"unreachable\"".to_owned(),
        ];
        let report = report(
            "1.2.3",
            ServerLine {
                address: "https://carekey.example.org",
                chosen_by: "saved in Settings",
            },
            Some(Path::new(
                "/home/ana/.local/share/org.carekey.app/logs/carekey.log",
            )),
            &problems,
        );
        let lines: Vec<&str> = report.text.lines().collect();
        assert_eq!(lines[0], "CareKey 1.2.3 (debug build)");
        assert!(lines[1].starts_with("System: ") && lines[1].contains(std::env::consts::ARCH));
        assert_eq!(
            lines[2],
            "Server: https://carekey.example.org (saved in Settings)"
        );
        assert_eq!(
            lines[3],
            "Log file: /home/ana/.local/share/org.carekey.app/logs/carekey.log"
        );
        assert_eq!(lines[4], "Recent problems (2, oldest first):");
        assert_eq!(lines[5], format!("  {}", problems[0]));
        assert_eq!(lines[6], format!("  {}", problems[1]));
        assert_eq!(lines.len(), 7);
        assert_eq!(
            report.log_file.as_deref(),
            Some("/home/ana/.local/share/org.carekey.app/logs/carekey.log")
        );
    }

    #[test]
    fn a_report_without_a_log_file_or_problems_says_so() {
        let report = report(
            "1.2.3",
            ServerLine {
                address: "the built-in server",
                chosen_by: "not started yet",
            },
            None,
            &[],
        );
        assert_eq!(report.version, "1.2.3");
        assert!(
            report
                .text
                .contains("Log file: none (logging to standard error only)\n")
        );
        assert!(report.text.ends_with("Recent problems: none\n"));
        assert_eq!(report.log_file, None);
    }

    #[test]
    fn the_system_name_is_read_from_os_release_quoted_or_not() {
        let debian =
            "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nID=debian\n";
        assert_eq!(
            os_release_name(debian).as_deref(),
            Some("Debian GNU/Linux 13 (trixie)")
        );
        assert_eq!(
            os_release_name("PRETTY_NAME=Fedora Linux 41\n").as_deref(),
            Some("Fedora Linux 41")
        );
        assert_eq!(os_release_name("NAME=x\nPRETTY_NAME=\"\"\n"), None);
        assert_eq!(os_release_name(""), None);
    }
}
