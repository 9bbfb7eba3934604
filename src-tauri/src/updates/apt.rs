//! Linux: whether the system's package manager has a newer CareKey.
//!
//! The app comes as a `.deb` whose updates come from CareKey's signed APT
//! repository (the package installs its address and key): apt checks every
//! signature and hash, and the system's software updater (or `apt
//! upgrade`) installs, as root. The app itself never downloads, verifies or
//! installs anything, and never restarts itself: an update installed while
//! it runs replaces the files on disk, the running app goes on undisturbed
//! (a login or a key being made is never cut off), and the new version
//! starts at the next launch.
//!
//! What the app does is look, in the background (never before the window is
//! up, never blocking a command): `apt-cache policy carekey` reads apt's
//! local lists, which the system refreshes, and says which version is
//! installed and which one apt would install. A build run from the
//! repository (not under `/usr`) is not the package: it looks for nothing.

use super::{FIRST_LOOK, Installer, UpdateStatus, Updates, newer};
use std::time::Duration;
/// The package's name (apt's and dpkg's).
const PACKAGE: &str = "carekey";

/// Then apt's lists are read again this often (the system refreshes them
/// about daily; a look costs one short process).
const LOOK_EVERY: Duration = Duration::from_secs(15 * 60);

/// What apt's `policy` says of the package.
#[derive(Debug, PartialEq, Eq)]
struct Policy {
    installed: Option<String>,
    candidate: Option<String>,
}

/// Reads `apt-cache policy carekey` (in the C locale, whose words it
/// parses). `(none)` is no version.
fn parse_policy(text: &str) -> Policy {
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(name))
            .map(str::trim)
            .filter(|value| !value.is_empty() && *value != "(none)")
            .map(str::to_owned)
    };
    Policy {
        installed: field("Installed:"),
        candidate: field("Candidate:"),
    }
}

/// The status for the running `version` given apt's policy.
fn status(running: &str, policy: &Policy) -> UpdateStatus {
    if let Some(installed) = &policy.installed
        && newer(running, installed)
    {
        return UpdateStatus::Installed {
            version: installed.clone(),
        };
    }
    match &policy.candidate {
        Some(candidate)
            if newer(running, candidate)
                && policy
                    .installed
                    .as_deref()
                    .is_none_or(|installed| newer(installed, candidate)) =>
        {
            UpdateStatus::Ready {
                version: candidate.clone(),
                installer: Installer::System,
            }
        }
        _ => UpdateStatus::None,
    }
}

/// Whether this app is the installed package (and so has updates to look
/// for): it runs from under `/usr`, where only a package puts it.
pub fn from_package() -> bool {
    std::env::current_exe()
        .map(|exe| exe.starts_with("/usr/"))
        .unwrap_or(false)
}

/// One look at apt's lists. An apt that fails is "nothing newer", and says
/// why in the log; a system without apt (the `.rpm` installed on Fedora)
/// gives `None`: there is nothing to look at, now or later.
async fn look(running: &str) -> Option<UpdateStatus> {
    // A short process; on a blocking thread, away from the commands' ones.
    let output = tokio::task::spawn_blocking(|| {
        std::process::Command::new("apt-cache")
            .args(["policy", PACKAGE])
            .env("LC_ALL", "C")
            .stdin(std::process::Stdio::null())
            .output()
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|output| output);
    match output {
        Ok(output) if output.status.success() => Some(status(
            running,
            &parse_policy(&String::from_utf8_lossy(&output.stdout)),
        )),
        Ok(output) => {
            tracing::warn!(status = ?output.status.code(), "apt-cache policy failed; no update check");
            Some(UpdateStatus::None)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            tracing::info!("no apt on this system: updates come from its own package manager");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "cannot run apt-cache; no update check");
            Some(UpdateStatus::None)
        }
    }
}

/// Looks after [`FIRST_LOOK`], then every [`LOOK_EVERY`]; stops on a system
/// without apt.
pub async fn keep_looking(updates: &Updates, running: String) {
    tokio::time::sleep(FIRST_LOOK).await;
    loop {
        let Some(found) = look(&running).await else {
            return;
        };
        updates.record(found);
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: &str = "carekey:\n  Installed: 0.1.0\n  Candidate: 0.1.1\n  Version table:\n     0.1.1 500\n        500 http://127.0.0.1:8000 ./ Packages\n *** 0.1.0 100\n        100 /var/lib/dpkg/status\n";

    #[test]
    fn apt_policy_gives_the_installed_version_and_the_candidate() {
        assert_eq!(
            parse_policy(READY),
            Policy {
                installed: Some("0.1.0".into()),
                candidate: Some("0.1.1".into())
            }
        );
        assert_eq!(
            parse_policy("carekey:\n  Installed: (none)\n  Candidate: 0.1.0\n"),
            Policy {
                installed: None,
                candidate: Some("0.1.0".into())
            }
        );
        assert_eq!(
            parse_policy(""),
            Policy {
                installed: None,
                candidate: None
            }
        );
    }

    #[test]
    fn a_newer_candidate_is_ready_and_a_newer_installed_version_waits_for_the_next_launch() {
        assert_eq!(
            status("0.1.0", &parse_policy(READY)),
            UpdateStatus::Ready {
                version: "0.1.1".into(),
                installer: Installer::System,
            }
        );
        // Installed while the app ran: the next launch runs it.
        let installed = Policy {
            installed: Some("0.1.1".into()),
            candidate: Some("0.1.1".into()),
        };
        assert_eq!(
            status("0.1.0", &installed),
            UpdateStatus::Installed {
                version: "0.1.1".into()
            }
        );
        assert_eq!(status("0.1.1", &installed), UpdateStatus::None);
    }

    #[test]
    fn nothing_is_claimed_for_an_older_an_equal_or_an_odd_version() {
        for (installed, candidate) in [
            ("0.1.0", "0.1.0"),
            ("0.1.0", "0.0.9"),
            ("0.1.0", "not-a-version"),
            ("0.1.0", ""),
        ] {
            let policy = Policy {
                installed: Some(installed.into()),
                candidate: Some(candidate.into()),
            };
            assert_eq!(status("0.1.0", &policy), UpdateStatus::None, "{candidate}");
        }
    }
}
