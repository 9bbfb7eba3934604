//! Files the app saves for the person. A backup file goes to the Downloads
//! folder (else Documents, else home) under a dated name, the same place
//! every time, which the screen names after saving. An export of the
//! account goes where the person chooses in the desktop's own save dialog
//! ([`choose`]), opened from Rust: the web view never names a path.
//!
//! Invariant: nothing is ever replaced that the person did not agree to
//! replace. Dated and side files are created exclusively (a taken name gets
//! " (2)" and so on); the file chosen in the dialog (which asks before
//! replacing) is written to a temporary file beside it and renamed over it,
//! so a failure leaves what was there. Everything is synced before the
//! screen says it is saved.

use crate::error::CommandError;
use std::path::{Path, PathBuf};
use tauri::Manager;

/// The folder files are saved in.
pub fn folder(app: &tauri::AppHandle) -> Result<PathBuf, CommandError> {
    app.path()
        .download_dir()
        .or_else(|_| app.path().document_dir())
        .or_else(|_| app.path().home_dir())
        .map_err(|_| CommandError::new("storage_failed", "There is no folder to save the file in."))
}

/// `<stem> <date>.<extension>`, or `<stem> <date> (2).<extension>` and so
/// on if taken.
pub async fn write_new(
    folder: &Path,
    stem: &str,
    extension: &str,
    contents: &[u8],
) -> std::io::Result<PathBuf> {
    let date = time::OffsetDateTime::now_utc().date();
    write_numbered(folder, &format!("{stem} {date}"), extension, contents).await
}

/// Today's dated name for `stem` (what [`write_new`] tries first).
pub fn dated_name(stem: &str, extension: &str) -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!("{stem} {date}.{extension}")
}

/// `<stem>.<extension>`, or `<stem> (2).<extension>` and so on if taken;
/// created exclusively so that an existing file is never replaced.
pub async fn write_numbered(
    folder: &Path,
    stem: &str,
    extension: &str,
    contents: &[u8],
) -> std::io::Result<PathBuf> {
    use tokio::io::AsyncWriteExt;
    tokio::fs::create_dir_all(folder).await?;
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{extension}")
        } else {
            format!("{stem} ({n}).{extension}")
        };
        let path = folder.join(name);
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
        {
            Ok(mut file) => {
                file.write_all(contents).await?;
                file.sync_all().await?;
                return Ok(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other(format!(
        "too many files named {stem} today"
    )))
}

/// The path the person chose in the desktop's save dialog (titled
/// `title`, opening in `folder` with `name` filled in, showing files of
/// `filter`), or `None` when they cancelled. The dialog runs on a blocking
/// thread (GTK's own loop serves it): the app's async work goes on.
pub async fn choose(
    app: &tauri::AppHandle,
    title: &str,
    (folder, name): (&Path, &str),
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    // A folder that does not exist yet would open the dialog elsewhere.
    if let Err(error) = tokio::fs::create_dir_all(folder).await {
        tracing::warn!(%error, "cannot make the folder the save dialog opens in");
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_directory(folder)
        .set_file_name(name)
        .add_filter(filter.0, filter.1);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|_| CommandError::new("storage_failed", "The save dialog could not open."))?;
    chosen
        .map(|path| {
            path.into_path().map_err(|_| {
                CommandError::new("storage_failed", "That is not a place a file can be saved.")
            })
        })
        .transpose()
}

/// Writes `contents` to `path`, which the person chose (and agreed to
/// replace if it existed): through a temporary file beside it, synced, then
/// renamed over it.
pub async fn write_chosen(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("a file name is needed"))?;
    let mut partial = name.to_owned();
    partial.push(".partial");
    let partial = path.with_file_name(partial);
    let written = async {
        let mut file = tokio::fs::File::create(&partial).await?;
        file.write_all(contents).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&partial, path).await
    }
    .await;
    if written.is_err() {
        // Nothing half-written is left beside her file.
        let _ = tokio::fs::remove_file(&partial).await;
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn saved_files_never_overwrite() {
        let folder = tempfile::tempdir().unwrap();
        let first = write_new(folder.path(), "CareKey backup", "carekey", b"one")
            .await
            .unwrap();
        let second = write_new(folder.path(), "CareKey backup", "carekey", b"two")
            .await
            .unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        assert!(second.display().to_string().ends_with("(2).carekey"));
    }

    #[tokio::test]
    async fn a_chosen_file_is_replaced_whole_and_leaves_nothing_beside_it() {
        let folder = tempfile::tempdir().unwrap();
        let chosen = folder.path().join("mine.html");
        std::fs::write(&chosen, b"an older, longer page").unwrap();
        write_chosen(&chosen, b"new").await.unwrap();
        assert_eq!(std::fs::read(&chosen).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
        let beside = write_numbered(folder.path(), "mine", "html", b"x")
            .await
            .unwrap();
        assert!(beside.ends_with("mine (2).html"));
    }

    #[tokio::test]
    async fn a_file_that_cannot_take_its_place_leaves_nothing_half_written() {
        let folder = tempfile::tempdir().unwrap();
        // A folder by that name: the rename over it fails.
        let chosen = folder.path().join("taken.html");
        std::fs::create_dir(&chosen).unwrap();
        assert!(write_chosen(&chosen, b"page").await.is_err());
        assert!(!folder.path().join("taken.html.partial").exists());
        assert!(chosen.is_dir());
    }
}
