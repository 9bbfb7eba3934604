//! Deep-link intake: links handed to the app by the desktop (a second
//! launch forwarded by single-instance, or the URL the app was started
//! with) wait here until the window takes them. The window is only told
//! that a link arrived; the link itself (which stands for a code) stays in
//! the backend, which parses and uses it. So does a clinician's invitation
//! once opened ([`OpenedInvitation`]): the window learns who invites, and
//! the invitation's secret goes only to the server.

use carekey_api::SecretString;
use std::collections::VecDeque;
use std::sync::Mutex;
use tauri::ipc::Channel;
use zeroize::Zeroizing;

/// At most this many links wait; older ones are dropped (a link is good
/// for minutes, and a person opens one at a time).
const WAITING: usize = 8;

#[derive(Default)]
pub struct LinkIntake {
    waiting: Mutex<VecDeque<Zeroizing<String>>>,
    window: Mutex<Option<Channel<()>>>,
}

impl LinkIntake {
    /// A link arrived: keep it and tell the window, if it listens yet.
    pub fn receive(&self, url: String) {
        if let Ok(mut waiting) = self.waiting.lock() {
            if waiting.len() == WAITING {
                waiting.pop_front();
            }
            waiting.push_back(Zeroizing::new(url));
        }
        self.notify();
    }

    fn notify(&self) {
        let listener = self.window.lock().ok().and_then(|window| window.clone());
        if let Some(channel) = listener
            && let Err(error) = channel.send(())
        {
            tracing::debug!(%error, "link notice not delivered");
        }
    }

    /// The window listens from now on; links that came before it are
    /// announced at once.
    pub fn listen(&self, channel: Channel<()>) {
        if let Ok(mut window) = self.window.lock() {
            *window = Some(channel);
        }
        let any = self.waiting.lock().map(|waiting| !waiting.is_empty());
        if any.unwrap_or(false) {
            self.notify();
        }
    }

    pub fn take(&self) -> Option<Zeroizing<String>> {
        self.waiting.lock().ok()?.pop_front()
    }
}

/// The clinician's invitation opened last (`<id>.<secret>`): kept until
/// the person registers or names him through it, or sets it aside. Only
/// one: opening another replaces it.
#[derive(Default)]
pub struct OpenedInvitation(Mutex<Option<SecretString>>);

impl OpenedInvitation {
    pub fn keep(&self, token: SecretString) {
        if let Ok(mut held) = self.0.lock() {
            *held = Some(token);
        }
    }

    pub fn get(&self) -> Option<SecretString> {
        self.0.lock().ok()?.clone()
    }

    pub fn forget(&self) {
        if let Ok(mut held) = self.0.lock() {
            *held = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_wait_in_order_and_old_ones_make_room() {
        let intake = LinkIntake::default();
        for n in 0..10 {
            intake.receive(format!("carekey://l/{n}"));
        }
        assert_eq!(intake.take().unwrap().as_str(), "carekey://l/2");
        let mut rest = 0;
        while intake.take().is_some() {
            rest += 1;
        }
        assert_eq!(rest, 7);
    }
}
