//! The commands the web UI may call, one module per domain. Each answers
//! with data for a screen or a [`crate::error::CommandError`]; none answers
//! with a token, a code the user did not type, or key material: those stay
//! in the core and the keychain. The one secret a screen shows is made for
//! showing: a clinician's new invitation link (`care::invitation_make`),
//! which he hands to his patients; an invitation a patient opened stays in
//! the backend (`crate::intake::OpenedInvitation`).

pub mod auth;
pub mod captcha;
pub mod care;
pub mod data;
pub mod devices;
pub mod keys;
pub mod links;
pub mod settings;

#[cfg(test)]
mod tests {
    /// A command the window may not call answers every call with Tauri's
    /// own refusal, which the screen can only call "something went wrong":
    /// each command the build declares is granted to the main window, and
    /// nothing else is.
    #[test]
    fn the_window_may_call_every_command_the_app_declares_and_no_other() {
        let build = include_str!("../../build.rs");
        let list = build
            .split_once("const COMMANDS: &[&str] = &[")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(list, _)| list)
            .unwrap();
        let mut declared: Vec<String> = list
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with('"'))
            .map(|line| format!("allow-{}", line.trim_matches(['"', ',']).replace('_', "-")))
            .collect();
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/main-window.json")).unwrap();
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|permission| permission.as_str().unwrap().to_owned())
            .collect();
        declared.sort();
        granted.sort();
        assert!(declared.len() > 40, "{declared:?}");
        assert_eq!(declared, granted);
    }
}
