//! A page whose process died comes back by itself. On Linux the page runs
//! in WebKit's web process; when that process crashes (it has, in Mesa's
//! software renderer on a machine without a GPU) the window goes blank and
//! stays blank: neither Tauri nor wry loads it again. Everything the app
//! knows lives in Rust (the session, the keys, the server), so loading the
//! page again puts the person back where she was, losing at most a field
//! she was typing. A page that dies again and again (a broken graphics
//! stack) is loaded at most [`RELOADS`] times a minute, then left blank
//! with the reason logged, rather than spinning.

/// How many times a minute a dead page is loaded again.
#[cfg(target_os = "linux")]
const RELOADS: usize = 3;

/// Loads the page of `window` again whenever its process dies.
pub fn reload_when_the_page_dies(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    linux::watch(window);
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

#[cfg(target_os = "linux")]
mod linux {
    use super::RELOADS;
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::time::{Duration, Instant};
    use webkit2gtk::WebViewExt;

    pub fn watch(window: &tauri::WebviewWindow) {
        let watched = window.with_webview(|webview| {
            let reloads: RefCell<VecDeque<Instant>> = RefCell::new(VecDeque::new());
            webview
                .inner()
                .connect_web_process_terminated(move |view, reason| {
                    let mut reloads = reloads.borrow_mut();
                    let now = Instant::now();
                    while reloads
                        .front()
                        .is_some_and(|at| now.duration_since(*at) > Duration::from_secs(60))
                    {
                        reloads.pop_front();
                    }
                    if reloads.len() >= RELOADS {
                        tracing::error!(
                            ?reason,
                            "the page's process ended again; not loading it again this minute"
                        );
                        return;
                    }
                    reloads.push_back(now);
                    tracing::warn!(?reason, "the page's process ended; loading the page again");
                    view.reload();
                });
        });
        if let Err(error) = watched {
            tracing::warn!(%error, "cannot watch the page's process");
        }
    }
}
