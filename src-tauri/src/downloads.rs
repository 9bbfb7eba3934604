//! Files the app saves for the person (a backup file, an export of the
//! account): in the Downloads folder (else Documents, else home), under a
//! dated name that never replaces a file already there.
//!
//! Why no file picker: the same place every time is where people look for
//! what an app saved, it works the same on every desktop, and the screen
//! says the whole path after saving.

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
/// on if taken; created exclusively so that an existing file is never
/// replaced, and synced before it is said to be saved.
pub async fn write_new(
    folder: &Path,
    stem: &str,
    extension: &str,
    contents: &[u8],
) -> std::io::Result<PathBuf> {
    use tokio::io::AsyncWriteExt;
    tokio::fs::create_dir_all(folder).await?;
    let date = time::OffsetDateTime::now_utc().date();
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem} {date}.{extension}")
        } else {
            format!("{stem} {date} ({n}).{extension}")
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
}
