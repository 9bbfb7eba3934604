//! What the window tests share: tauri-driver and WebKitWebDriver started
//! for one binary with a test's own folders, one run of the app driven
//! through them (screens, clicks, typing, screenshots, the IPC it
//! receives), and links opened the way the desktop opens them.
//!
//! Each test crate uses part of it.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(30);

/// What the journey is doing now and since when, so that a journey that
/// stalls, or a WebDriver call that fails, says what it was waiting for.
pub static DOING: std::sync::Mutex<Option<(String, Instant)>> = std::sync::Mutex::new(None);

pub fn doing(what: String) {
    if let Ok(mut now) = DOING.lock() {
        *now = Some((what, Instant::now()));
    }
}

pub fn now_doing() -> String {
    DOING
        .lock()
        .ok()
        .and_then(|now| now.as_ref().map(|(what, _)| what.clone()))
        .unwrap_or_else(|| "starting".into())
}

/// How long the current step has gone on.
pub fn stalled_for() -> Duration {
    DOING
        .lock()
        .ok()
        .and_then(|now| now.as_ref().map(|(_, since)| since.elapsed()))
        .unwrap_or_default()
}

/// A WebDriver call that failed: what the journey was doing, and whether
/// the app was still there (a session lost "because of page crash" with
/// the app gone is a crash, not a slow page).
pub fn failed(error: impl std::fmt::Display) -> String {
    format!(
        "{error}, while {}; the app's process is running: {}",
        now_doing(),
        app_is_running()
    )
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `tauri-driver`, which starts WebKitWebDriver, which starts the app: all
/// with this test's own data and config folders (the keychain is the
/// session's).
pub struct Driver {
    process: Child,
    pub port: u16,
    pub application: PathBuf,
}

/// The binary the tests drive, for [`app_is_running`].
pub static APPLICATION: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

impl Driver {
    /// Starts tauri-driver for `application` (the binary it launches).
    pub fn start(home: &Path, application: &Path) -> Driver {
        let _ = APPLICATION.set(application.to_owned());
        for tool in ["tauri-driver", "WebKitWebDriver", "xdotool"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success();
            assert!(
                found,
                "{tool} is not installed: run the tests with `bash tests/run.sh`, which installs it"
            );
        }
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no X display: run the tests with `bash tests/run.sh` (it starts Xvfb)"
        );
        // The desktop's Downloads folder (where the app saves backups and
        // exports) is this test's own, as a desktop session names it.
        let config = home.join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("user-dirs.dirs"),
            format!(
                "XDG_DOWNLOAD_DIR=\"{}\"\n",
                home.join("Downloads").display()
            ),
        )
        .unwrap();
        let port = free_port();
        let process = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &free_port().to_string(),
            ])
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env_remove("CAREKEY_SERVER_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "tauri-driver does not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            process,
            port,
            application: application.to_owned(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Records every IPC answer (and channel message) the page receives, so
/// that the test can check that no secret ever reaches the web view.
/// Tauri keeps `invoke` itself read-only, but every answer, error and
/// channel message reaches the page through the callbacks in
/// `__TAURI_INTERNALS__.callbacks`: wrapping each callback as it is
/// registered sees them all.
pub const RECORD_IPC: &str = r#"
const callbacks = window.__TAURI_INTERNALS__.callbacks;
if (!window.__ipcLog) {
  window.__ipcLog = [];
  const set = Map.prototype.set;
  callbacks.set = function (id, callback) {
    return set.call(this, id, (data) => {
      let text;
      try { text = JSON.stringify(data); } catch { text = String(data); }
      window.__ipcLog.push(`${performance.now().toFixed(1)} ${text}`);
      return callback(data);
    });
  };
}
// Every frame the page draws, to show that it keeps drawing while the key
// is made.
if (!window.__frames) {
  window.__frames = [];
  const frame = (time) => { window.__frames.push(time); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
}
return Object.prototype.hasOwnProperty.call(callbacks, "set");
"#;

/// One run of the app, from launch to quit.
pub struct App {
    pub client: Client,
    pub shots: usize,
    pub name: &'static str,
}

impl App {
    pub async fn launch(driver: &Driver, name: &'static str) -> App {
        App::launch_with(driver, name, &[]).await
    }

    /// Launched with `args`, as the desktop launches the app for a link
    /// when it is not running.
    pub async fn launch_with(driver: &Driver, name: &'static str, args: &[&str]) -> App {
        doing(format!("launching the app ({name}, {args:?})"));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({"application": driver.application, "args": args}),
        );
        capabilities.insert("browserName".into(), json!("wry"));
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("tauri-driver starts the app");
        let app = App {
            client,
            shots: 0,
            name,
        };
        app.wait_until("the first screen", "return document.querySelector('section.screen:not([hidden])')?.id !== 'screen-loading' && !!window.__TAURI__").await;
        let recording = app.client.execute(RECORD_IPC, vec![]).await.unwrap();
        assert_eq!(recording, json!(true), "the IPC recorder is in place");
        app
    }

    pub async fn wait_until(&self, what: &str, script: &str) {
        doing(format!("waiting for {what}"));
        let started = Instant::now();
        loop {
            let answer = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or_else(|error| panic!("{}", failed(error)));
            if answer == json!(true) {
                return;
            }
            if started.elapsed() > WAIT {
                let screen = self.visible_screen().await;
                let errors = self.texts(".error").await;
                panic!("waited in vain for {what}; on {screen}, errors: {errors:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn visible_screen(&self) -> String {
        self.client
            .execute(
                "return document.querySelector('section.screen:not([hidden])')?.id || 'none'",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn texts(&self, selector: &str) -> Vec<String> {
        let found = self
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)",
                vec![json!(selector)],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    pub async fn screen(&self, screen: &str) {
        self.wait_until(
            &format!("the {screen} screen"),
            &format!("return !document.getElementById('screen-{screen}').hidden"),
        )
        .await;
    }

    pub async fn click(&self, id: &str) {
        self.click_css(&format!("#{id}")).await;
    }

    pub async fn click_css(&self, selector: &str) {
        doing(format!("clicking {selector}"));
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("{selector}: {error}"))
            .click()
            .await
            .unwrap_or_else(|error| panic!("click {selector}: {error}"));
    }

    pub async fn click_radio(&self, name: &str, value: &str) {
        self.client
            .find(Locator::Css(&format!(
                "input[name={name:?}][value={value:?}]"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn type_into(&self, id: &str, text: &str) {
        doing(format!("typing into #{id}"));
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        if !text.is_empty() {
            field.send_keys(text).await.unwrap();
        }
    }

    /// Opens Settings and waits until its dialog shows: it fills itself
    /// from the app (two calls) before it opens, which takes a moment on a
    /// busy machine.
    pub async fn open_settings(&self) {
        self.click("settings-open").await;
        self.wait_until(
            "the settings dialog",
            "return document.getElementById('settings').open",
        )
        .await;
    }

    /// Calls one of the app's commands from the window, as its screens do,
    /// and answers how it ended: `{"ok": true}`, or the `{code, message}`
    /// error it was refused with.
    pub async fn call(&self, command: &str) -> serde_json::Value {
        doing(format!("calling {command} from the window"));
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI__.core.invoke(arguments[0])
                   .then(() => done({ ok: true }), (error) => done(error));",
                vec![json!(command)],
            )
            .await
            .unwrap_or_else(|error| panic!("{}", failed(error)))
    }

    pub async fn text(&self, id: &str) -> String {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn wait_text(&self, id: &str, wanted: &str) -> String {
        self.wait_until(
            &format!("#{id} to say {wanted:?}"),
            &format!(
                "return document.getElementById({id:?}).textContent.includes({wanted:?})",
                id = id,
                wanted = wanted
            ),
        )
        .await;
        self.text(id).await
    }

    pub async fn shot(&mut self, step: &str) {
        self.shots += 1;
        doing(format!("taking the screenshot {step:?}"));
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|error| panic!("{}", failed(error)));
        let path = screenshots().join(format!("{}-{:02}-{step}.png", self.name, self.shots));
        std::fs::write(&path, png).unwrap();
    }

    /// What the screen shows that does not fit (issue 17: French and
    /// Dutch run a third longer than English): the page scrolling
    /// sideways, and every visible element with words of its own (or a
    /// control) that runs past the window's right edge, or whose words are
    /// cut off by a box that clips them.
    pub async fn layout_problems(&self) -> Vec<String> {
        doing("measuring what does not fit".into());
        let found = self
            .client
            .execute(
                r#"const problems = [];
                 const width = document.documentElement.clientWidth;
                 if (document.documentElement.scrollWidth > width + 1) {
                   problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
                 }
                 for (const el of document.querySelectorAll("body *")) {
                   if (!el.getClientRects().length || el.closest(".visually-hidden, dialog:not([open])")) continue;
                   const style = getComputedStyle(el);
                   if (style.visibility === "hidden") continue;
                   const words = [...el.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
                   if (!words && !el.matches("button, input, select, textarea")) continue;
                   const box = el.getBoundingClientRect();
                   const name = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()} “${el.textContent.trim().slice(0, 40)}”`;
                   if (box.right > width + 1) problems.push(`${name} runs past the window (${Math.round(box.right)} > ${width})`);
                   const clips = [style.overflowX, style.overflowY].some((overflow) => overflow === "hidden" || overflow === "clip");
                   if (words && clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
                     problems.push(`${name} is cut off`);
                   }
                 }
                 return problems;"#,
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("{}", failed(error)));
        serde_json::from_value(found).unwrap()
    }

    /// In the pseudo-locale, the words on screen that did not come from
    /// the catalog: visible text with letters but none of the pseudo-
    /// locale's accented ones. What people typed or the server holds
    /// (names, contacts, IDs, keys, codes, notes, messages) is left out.
    pub async fn untranslated(&self) -> Vec<String> {
        doing("looking for words the catalog did not give".into());
        let found = self
            .client
            .execute(
                r##"const accented = /[ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ]/;
                 const data = ".brand, code, time, strong, option, .secret-text, .note-text, .visually-hidden, #inbox, "
                   + "#home-name, #home-contact, #home-phone, #home-id, #home-fingerprint, #whatsapp-text, #whatsapp-link, "
                   + "dialog:not([open]), #licences";
                 const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                 const plain = [];
                 for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                   const text = node.textContent.trim();
                   const el = node.parentElement;
                   if (!/[A-Za-z]/.test(text) || accented.test(text) || el.closest(data)) continue;
                   if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
                   plain.push(`${el.id ? `#${el.id}` : el.tagName.toLowerCase()}: ${text}`);
                 }
                 return plain;"##,
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("{}", failed(error)));
        serde_json::from_value(found).unwrap()
    }

    /// Waits until the Dev inbox shows a message to `to` that says `words`.
    pub async fn wait_message(&self, to: &str, words: &str) {
        self.wait_until(
            &format!("a message to {to} saying {words:?} in the Dev inbox"),
            &format!(
                "return [...document.querySelectorAll('#inbox-list li')].some((m) => \
                 m.dataset.to === {to:?} \
                 && m.textContent.includes({words:?}))"
            ),
        )
        .await;
    }

    /// The code in the `nth` message to `to` that carries one (security
    /// notices carry none), as the Dev inbox shows it.
    pub async fn code_for(&self, to: &str, nth: usize) -> String {
        // A word of its own: a link's token can hold six digits in a row.
        const CODES: &str = "[...document.querySelectorAll('#inbox-list li')].filter((m) => m.dataset.to === arguments[0]).map((m) => m.querySelector('.message-body').textContent).filter((body) => body.split(/\\s+/).some((word) => /^[0-9]{6}$/.test(word.replace(/[^0-9a-zA-Z]/g, '')))).reverse()";
        self.wait_until(
            &format!("message {nth} with a code to {to} in the Dev inbox"),
            &format!(
                "return (function() {{ return {CODES}; }}).apply(null, [{to:?}]).length >= {nth}"
            ),
        )
        .await;
        let bodies: Vec<String> = serde_json::from_value(
            self.client
                .execute(&format!("return {CODES}"), vec![json!(to)])
                .await
                .unwrap(),
        )
        .unwrap();
        let body = &bodies[nth - 1];
        body.split_whitespace()
            .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
            .find(|word| word.len() == 6 && word.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in {body:?}"))
            .to_owned()
    }

    pub async fn ipc_log(&self) -> Vec<String> {
        serde_json::from_value(
            self.client
                .execute("return window.__ipcLog || []", vec![])
                .await
                .unwrap(),
        )
        .unwrap()
    }

    /// Closes the app as a person does and returns at once: the next
    /// launch may come while this one is still quitting.
    pub async fn close_now(self) {
        doing("closing the app".into());
        self.client.close().await.unwrap();
        // Whether the launch that follows overlaps the quitting one: kept
        // beside the screenshots, so a run shows what it tested.
        let line = format!(
            "closed; the previous CareKey still running: {}, still holding its name: {}\n",
            app_is_running(),
            single_instance_name_is_owned()
        );
        let path = screenshots().join("relaunch-overlap.txt");
        let mut seen = std::fs::read_to_string(&path).unwrap_or_default();
        seen.push_str(&line);
        std::fs::write(path, seen).unwrap();
    }

    /// Quits the app (the WebDriver session's end closes it) and waits
    /// until its process is gone: a launch while it still holds its D-Bus
    /// name would hand over to the dying instance (single-instance) and exit.
    pub async fn quit(self) -> Vec<String> {
        doing("quitting the app".into());
        let log = self.ipc_log().await;
        self.client.close().await.unwrap();
        let started = Instant::now();
        // Gone from the process table and from the session bus: a launch
        // before the bus has let go of its single-instance name hands over
        // to the leaving app, and a WebDriver session cannot follow the
        // relaunch the app then makes of itself.
        while app_is_running() || single_instance_name_is_owned() {
            assert!(started.elapsed() < WAIT, "the app did not exit");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        log
    }
}

/// Whether a CareKey still holds its single-instance name on the session bus.
pub fn single_instance_name_is_owned() -> bool {
    let answer = std::process::Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.DBus",
            "--object-path",
            "/org/freedesktop/DBus",
            "--method",
            "org.freedesktop.DBus.NameHasOwner",
            "app.carekey.desktop.SingleInstance",
        ])
        .output()
        .expect("gdbus (libglib2.0-bin, installed by tests/setup.sh) runs");
    assert!(answer.status.success(), "gdbus failed: {answer:?}");
    String::from_utf8_lossy(&answer.stdout).contains("true")
}

/// Whether a process of the app binary runs (on Linux, from `/proc`).
pub fn app_is_running() -> bool {
    let Some(app) = APPLICATION.get() else {
        return false;
    };
    let app = std::fs::canonicalize(app).unwrap_or_else(|_| app.clone());
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries.filter_map(Result::ok).any(|entry| {
                std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == app)
            })
        })
        .unwrap_or(false)
}

/// What the desktop says handles `carekey:` links, with this test's folders
/// (`gio mime`'s answer, naming the desktop entry).
pub fn scheme_handler(home: &Path) -> String {
    let handler = Command::new("gio")
        .args(["mime", "x-scheme-handler/carekey"])
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("gio is installed (libglib2.0-bin)");
    String::from_utf8_lossy(&handler.stdout).into_owned()
}

/// Opens `url` the way the desktop does (`gio open`), with this test's
/// folders, where the app registered the `carekey:` scheme.
pub fn gio_open(home: &Path, url: &str) {
    let started = Instant::now();
    loop {
        if scheme_handler(home).contains(".desktop") {
            break;
        }
        assert!(
            started.elapsed() < WAIT,
            "the app did not register the carekey: scheme"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = Command::new("gio")
        .args(["open", url])
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .status()
        .unwrap();
    assert!(status.success(), "gio open {url}");
}

/// The X window of the system's dialog titled `title` (GTK's, a window of
/// its own that WebDriver cannot see), focused, once it has opened.
fn dialog_window(title: &str) -> String {
    let started = Instant::now();
    let window = loop {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .unwrap();
        let ids = String::from_utf8_lossy(&found.stdout);
        if let Some(id) = ids.lines().last() {
            break id.trim().to_owned();
        }
        assert!(
            started.elapsed() < WAIT,
            "the dialog {title:?} did not open"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    // A moment for GTK to draw it and focus its field. There is no window
    // manager under Xvfb: the dialog gets the keyboard by a plain focus.
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&["windowfocus", &window]);
    std::thread::sleep(Duration::from_millis(200));
    window
}

fn xdotool(args: &[&str]) {
    let status = Command::new("xdotool").args(args).status().unwrap();
    assert!(status.success(), "xdotool {args:?}");
}

/// Answers the save dialog titled `title` as a person would, with the
/// keyboard: the name it suggests (selected in its focused field) replaced
/// with `name`, then Enter.
pub fn save_in_dialog(title: &str, name: &str) {
    dialog_window(title);
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&["type", "--delay", "30", name]);
    xdotool(&["key", "Return"]);
}

/// Closes the dialog titled `title` with Escape (Cancel).
pub fn cancel_dialog(title: &str) {
    dialog_window(title);
    xdotool(&["key", "Escape"]);
}
