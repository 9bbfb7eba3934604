//! The page comes back when WebKit's web process dies. The real app is
//! started as a desktop starts it (no WebDriver: its automation session
//! ends with the page), in the test script's Xvfb and D-Bus session, with
//! folders of its own. Its web process is killed; the app must say that it
//! loads the page again, and the page must run again: it resumes the
//! session, which the app logs.
//!
//! Both web processes, the first and the new one, run the page without
//! JavaScriptCore's JIT (src-tauri/src/main.rs).
//!
//! Run by `bash tests/run.sh` (it starts Xvfb and D-Bus); without a display
//! this test fails and says so.

// A test reports by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const APP: &str = env!("CARGO_BIN_EXE_carekey");
/// Each step's limit: a page load on a busy 2-core machine takes seconds.
const WAIT: Duration = Duration::from_secs(30);

/// The app, its standard error kept line by line.
struct RunningApp {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl RunningApp {
    fn start(home: &std::path::Path) -> RunningApp {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no X display: run the tests with `bash tests/run.sh` (it starts Xvfb)"
        );
        let mut child = Command::new(APP)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("CAREKEY_LOG", "info")
            .env_remove("CAREKEY_SERVER_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("its standard error is piped");
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{line}");
                kept.lock().unwrap().push(line);
            }
        });
        RunningApp { child, lines }
    }

    /// Waits for a line holding `what` after the first `after` lines, and
    /// returns its index.
    fn line_after(&self, after: usize, what: &str) -> usize {
        let started = Instant::now();
        loop {
            if let Some(found) = self
                .lines
                .lock()
                .unwrap()
                .iter()
                .enumerate()
                .skip(after)
                .find(|(_, line)| line.contains(what))
                .map(|(index, _)| index)
            {
                return found;
            }
            assert!(
                self.child_is_running(),
                "the app exited while waiting for {what:?}"
            );
            assert!(
                started.elapsed() < WAIT,
                "waited in vain for the app to log {what:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the app has logged nothing new for a second (the first
    /// screen's calls are over), and returns how many lines it logged.
    fn settled(&self) -> usize {
        let started = Instant::now();
        let mut seen = self.lines.lock().unwrap().len();
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < Duration::from_secs(1) {
            assert!(started.elapsed() < WAIT, "the app never stopped logging");
            std::thread::sleep(Duration::from_millis(100));
            let now = self.lines.lock().unwrap().len();
            if now != seen {
                seen = now;
                quiet_since = Instant::now();
            }
        }
        seen
    }

    fn child_is_running(&self) -> bool {
        std::path::Path::new(&format!("/proc/{}", self.child.id())).exists()
    }

    /// The app's web processes: its descendants running WebKitWebProcess.
    fn web_processes(&self) -> Vec<u32> {
        let mut parents: Vec<(u32, u32)> = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // The parent is the second field after the command's closing
            // parenthesis (the command itself may hold spaces).
            let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
                continue;
            };
            if let Some(parent) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                parents.push((pid, parent));
            }
        }
        let mut family = vec![self.child.id()];
        let mut index = 0;
        while index < family.len() {
            let parent = family[index];
            family.extend(
                parents
                    .iter()
                    .filter(|(_, p)| *p == parent)
                    .map(|(pid, _)| *pid),
            );
            index += 1;
        }
        family
            .into_iter()
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|command| String::from_utf8_lossy(&command).contains("WebKitWebProcess"))
                    .unwrap_or(false)
            })
            .collect()
    }

    fn wait_for_web_process(&self, other_than: &[u32]) -> Vec<u32> {
        let started = Instant::now();
        loop {
            let found: Vec<u32> = self
                .web_processes()
                .into_iter()
                .filter(|pid| !other_than.contains(pid))
                .collect();
            if !found.is_empty() {
                return found;
            }
            assert!(
                started.elapsed() < WAIT,
                "the app has no web process (other than {other_than:?})"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Each web process runs the page without JavaScriptCore's JIT compilers
/// (src-tauri/src/main.rs).
fn assert_without_jit(web_processes: &[u32]) {
    for pid in web_processes {
        let environment = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
        assert!(
            environment
                .split(|byte| *byte == 0)
                .any(|variable| variable == b"JSC_useJIT=false"),
            "web process {pid} runs with JavaScriptCore's JIT (no JSC_useJIT=false in its environment)"
        );
    }
}

#[test]
fn the_page_comes_back_when_its_web_process_dies() {
    let home = tempfile::tempdir().unwrap();
    let app = RunningApp::start(home.path());
    app.line_after(0, "session resumed");
    let first = app.wait_for_web_process(&[]);
    assert_without_jit(&first);
    let killed_at = app.settled();
    for pid in &first {
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success(), "kill -KILL {pid}");
    }
    // The page runs again: it resumes the session, as at start.
    app.line_after(killed_at, "session resumed");
    app.line_after(
        killed_at,
        "the page's process ended; loading the page again",
    );
    let again = app.wait_for_web_process(&first);
    assert!(app.child_is_running(), "the app itself keeps running");
    assert_without_jit(&again);
    eprintln!("web process {first:?} killed; the page runs again in {again:?}");
}
