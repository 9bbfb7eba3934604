//! The app's logs: standard error, and a file people can send to support.
//!
//! Invariant: what reaches either is what the code logs, and the code never
//! logs a code, link, token, key, password or a whole email or phone number
//! (contacts are masked where they are logged, in the core and the embedded
//! server alike); the window test reads the file after a whole journey and
//! looks for every secret it met. The file rotates by size, so it never
//! holds more than [`FILES_KEPT`] + 1 files of about [`FILE_BYTES`] each.
//!
//! The file opens once Tauri knows the platform's log folder (the app's
//! `setup`); what is logged before goes to standard error only. Writing
//! happens on a thread of its own, so a slow disk never holds a command or
//! the window. The last warnings and errors are also kept in memory for
//! "Copy diagnostics".

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry, reload};

/// A log file is set aside past this size (at the end of the line that
/// passes it).
pub const FILE_BYTES: usize = 1024 * 1024;

/// Files set aside and kept (`carekey.log.1` … `.4`); older ones are deleted.
pub const FILES_KEPT: usize = 4;

/// The file's name in the log folder.
const FILE_NAME: &str = "carekey.log";

/// The warnings and errors kept for the diagnostics.
const RECENT_KEPT: usize = 20;

type FileLayer = Box<dyn Layer<Registry> + Send + Sync>;

static FILE_SWITCH: OnceLock<reload::Handle<Option<FileLayer>, Registry>> = OnceLock::new();
/// Lines waiting for the file writer at most.
const LINES_QUEUED: usize = 4096;

static FILE_WRITER: Mutex<Option<tracing_appender::non_blocking::WorkerGuard>> = Mutex::new(None);
static FILE_PATH: OnceLock<PathBuf> = OnceLock::new();
static RECENT: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());

/// Starts logging to standard error; `CAREKEY_LOG` (or `RUST_LOG`) filters,
/// `info` by default. Once per process.
pub fn start() {
    let filter = std::env::var("CAREKEY_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    let (file, switch) = reload::Layer::new(None::<FileLayer>);
    let started = tracing_subscriber::registry()
        .with(file)
        .with(RecentProblems)
        .with(tracing_subscriber::EnvFilter::new(filter))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
        )
        .try_init();
    if started.is_ok() {
        let _ = FILE_SWITCH.set(switch);
    }
}

/// Also writes the logs to `folder`/carekey.log from now on. A folder that
/// cannot be made leaves the logs on standard error, and says so there.
pub fn open_file(folder: &Path) {
    let Some(switch) = FILE_SWITCH.get() else {
        return;
    };
    if let Err(error) = std::fs::create_dir_all(folder) {
        tracing::warn!(%error, folder = %folder.display(), "cannot make the log folder; logging to standard error only");
        return;
    }
    let path = folder.join(FILE_NAME);
    // tracing-appender's default queue (128,000 lines) is allocated and
    // touched up front: 4 MiB of the app's memory for a queue that holds a
    // few lines. A line that finds it full is dropped (and counted by the
    // writer), never waited for.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LINES_QUEUED)
        .lossy(true)
        .finish(rotating(&path));
    let layer: FileLayer = Box::new(
        tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(false),
    );
    if switch.reload(Some(layer)).is_ok() {
        if let Ok(mut kept) = FILE_WRITER.lock() {
            *kept = Some(guard);
        }
        let _ = FILE_PATH.set(path.clone());
        tracing::info!(file = %path.display(), version = env!("CARGO_PKG_VERSION"), "logging to a file");
    }
}

/// The writer of `path`: set aside past [`FILE_BYTES`], [`FILES_KEPT`] kept.
fn rotating(path: &Path) -> file_rotate::FileRotate<file_rotate::suffix::AppendCount> {
    file_rotate::FileRotate::new(
        path,
        file_rotate::suffix::AppendCount::new(FILES_KEPT),
        file_rotate::ContentLimit::BytesSurpassed(FILE_BYTES),
        file_rotate::compression::Compression::None,
        None,
    )
}

/// Writes out what is still queued for the file; at exit.
pub fn flush() {
    if let Ok(mut kept) = FILE_WRITER.lock() {
        kept.take();
    }
}

/// The log file, once it is open.
pub fn file() -> Option<&'static Path> {
    FILE_PATH.get().map(PathBuf::as_path)
}

/// The last warnings and errors, oldest first, one line each.
pub fn recent_problems() -> Vec<String> {
    RECENT
        .lock()
        .map(|recent| recent.iter().cloned().collect())
        .unwrap_or_default()
}

/// Keeps the last [`RECENT_KEPT`] warnings and errors (their level, target
/// and fields, as logged).
struct RecentProblems;

impl<S: tracing::Subscriber> Layer<S> for RecentProblems {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > tracing::Level::WARN {
            return;
        }
        let mut line = format!("{level} {}:", event.metadata().target());
        event.record(&mut FieldsInto(&mut line));
        if let Ok(mut recent) = RECENT.lock() {
            if recent.len() == RECENT_KEPT {
                recent.pop_front();
            }
            recent.push_back(line);
        }
    }
}

struct FieldsInto<'a>(&'a mut String);

impl tracing::field::Visit for FieldsInto<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = if field.name() == "message" {
            write!(self.0, " {value:?}")
        } else {
            write!(self.0, " {}={value:?}", field.name())
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_file_rotates_and_never_holds_more_than_its_bound() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(FILE_NAME);
        let mut file = rotating(&path);
        let line = format!("{}\n", "x".repeat(199));
        // Twelve files' worth.
        for _ in 0..(12 * FILE_BYTES / line.len()) {
            file.write_all(line.as_bytes()).unwrap();
        }
        file.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "carekey.log",
                "carekey.log.1",
                "carekey.log.2",
                "carekey.log.3",
                "carekey.log.4"
            ]
        );
        let total: u64 = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().metadata().unwrap().len())
            .sum();
        assert!(
            total <= ((FILES_KEPT + 1) * (FILE_BYTES + line.len())) as u64,
            "{total} bytes"
        );
        // Whole lines in every file: a line is never cut in two.
        for name in names {
            let text = std::fs::read_to_string(folder.path().join(name)).unwrap();
            assert!(text.lines().all(|l| l.len() == 199) && text.ends_with('\n'));
        }
    }

    #[test]
    fn only_warnings_and_errors_are_kept_and_only_the_last_ones() {
        let subscriber = tracing_subscriber::registry().with(RecentProblems);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("not a problem");
            for n in 0..(RECENT_KEPT + 5) {
                tracing::warn!(n, "slow answer");
            }
            tracing::error!(code = "unreachable", "cannot connect");
        });
        let recent = recent_problems();
        assert_eq!(recent.len(), RECENT_KEPT);
        assert!(recent.iter().all(|line| !line.contains("not a problem")));
        assert!(recent[RECENT_KEPT - 1].starts_with("ERROR "));
        assert!(recent[RECENT_KEPT - 1].contains("cannot connect code=\"unreachable\""));
        assert!(recent[0].contains("n=6"), "{recent:?}");
    }
}
