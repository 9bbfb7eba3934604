//! The server's OPRF master keys, which harden password backups (envelope
//! format 2, `crates/carekey-core/ENVELOPE.md`; issue 18).
//!
//! Invariant: the master seeds live apart from the database (a file of
//! their own, `oprf_key_file`), never leave this module, and are never
//! logged: a copy of the database alone cannot be guessed at offline,
//! because every guess needs an evaluation under a seed it does not hold.
//! Each backup's key is derived from a seed with its owner and context
//! (`carekey_api::oprf::context_info`), so an evaluation serves one backup.
//!
//! [`OprfKeys`] is what the flows need; [`KeyFile`] implements it from a
//! file. A key management service could implement it too (it derives and
//! evaluates; the seed would stay in the service).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::oprf::SEED_LEN;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use voprf::{BlindedElement, Group, Ristretto255, VoprfServer};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum OprfKeyError {
    /// The key an envelope names is not among the server's: lost, or
    /// retired while envelopes still needed it.
    #[error("the OPRF key {0} is not one this server has")]
    UnknownKey(String),
    #[error("not a ristretto255 element to evaluate")]
    NotAnElement,
    #[error("the OPRF key file {path}: {why}")]
    File { path: PathBuf, why: String },
}

/// One evaluation: the evaluated element, its DLEQ proof, and the public
/// key of the backup's OPRF key (RFC 9497 encodings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub evaluated: Vec<u8>,
    pub proof: Vec<u8>,
    pub public_key: Vec<u8>,
}

/// What the flows need of the OPRF keys.
pub trait OprfKeys: Send + Sync + std::fmt::Debug {
    /// The key id new backups are sealed under.
    fn current(&self) -> String;
    /// Evaluates `blinded` with the key `key_id`'s seed derives for `info`.
    fn evaluate(
        &self,
        key_id: &str,
        info: &[u8],
        blinded: &[u8],
    ) -> Result<Evaluation, OprfKeyError>;
}

/// The master seeds, by key id, and which one is current.
pub struct KeyFile {
    current: String,
    seeds: BTreeMap<String, Zeroizing<[u8; SEED_LEN]>>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile")
            .field("current", &self.current)
            .field("key_ids", &self.seeds.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The file's form: `{"current": "k…", "keys": {"k…": "<base64 seed>"}}`.
#[derive(Serialize, Deserialize)]
struct Stored {
    current: String,
    keys: BTreeMap<String, String>,
}

fn file_error(path: &Path, why: impl std::fmt::Display) -> OprfKeyError {
    OprfKeyError::File {
        path: path.to_path_buf(),
        why: why.to_string(),
    }
}

/// A new key id: `k` and 12 random hex digits.
fn new_key_id() -> String {
    let mut bytes = [0u8; 6];
    crate::secrets::fill_random(&mut bytes);
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("k{hex}")
}

fn new_seed() -> Zeroizing<[u8; SEED_LEN]> {
    let mut seed = Zeroizing::new([0u8; SEED_LEN]);
    crate::secrets::fill_random(seed.as_mut());
    seed
}

/// Writes `text` to a new file beside `path` that only the server's user
/// can read, and answers its path.
fn write_private(path: &Path, text: &str) -> Result<PathBuf, OprfKeyError> {
    use std::io::Write;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", new_key_id()));
    let temporary = path.with_file_name(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&temporary)
        .map_err(|error| file_error(&temporary, error))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| file_error(&temporary, error))?;
    Ok(temporary)
}

impl KeyFile {
    /// Reads the key file at `path`, or makes it with one new key when there
    /// is none. Two instances starting together make one file: the first
    /// to link it wins and the other reads it.
    pub fn open_or_create(path: &Path) -> Result<Self, OprfKeyError> {
        match std::fs::read_to_string(path) {
            Ok(text) => return Self::parse(path, &text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(file_error(path, error)),
        }
        let made = KeyFile::ephemeral();
        let temporary = write_private(path, &made.to_text()?)?;
        let linked = std::fs::hard_link(&temporary, path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => {
                tracing::info!(path = %path.display(), key_id = %made.current, "OPRF key file made");
                Ok(made)
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let text =
                    std::fs::read_to_string(path).map_err(|error| file_error(path, error))?;
                Self::parse(path, &text)
            }
            Err(error) => Err(file_error(path, error)),
        }
    }

    /// Reads the key file at `path`, which must be there (an operator's
    /// command never makes one).
    pub fn open_existing(path: &Path) -> Result<Self, OprfKeyError> {
        let text = std::fs::read_to_string(path).map_err(|error| file_error(path, error))?;
        Self::parse(path, &text)
    }

    /// One new key, kept in memory only: for an in-memory database, whose
    /// backups end with the process anyway.
    pub fn ephemeral() -> Self {
        let current = new_key_id();
        let mut seeds = BTreeMap::new();
        seeds.insert(current.clone(), new_seed());
        KeyFile { current, seeds }
    }

    /// Adds a new key to the file at `path` and makes it current; the older
    /// ones stay, for the backups sealed under them. Answers the new id.
    /// Running instances follow the file ([`FollowedKeyFile`]).
    pub fn rotate(path: &Path) -> Result<String, OprfKeyError> {
        let mut keys = Self::open_existing(path)?;
        let current = new_key_id();
        keys.seeds.insert(current.clone(), new_seed());
        keys.current = current.clone();
        let temporary = write_private(path, &keys.to_text()?)?;
        std::fs::rename(&temporary, path).map_err(|error| file_error(path, error))?;
        Ok(current)
    }

    /// Removes the key `key_id` from the file at `path`: for a key no
    /// stored backup needs any more (the caller checks). The current key
    /// cannot be retired; rotate first.
    pub fn retire(path: &Path, key_id: &str) -> Result<(), OprfKeyError> {
        let mut keys = Self::open_existing(path)?;
        if keys.current == key_id {
            return Err(file_error(
                path,
                format!("{key_id} is the current key: rotate to a new one first"),
            ));
        }
        if keys.seeds.remove(key_id).is_none() {
            return Err(OprfKeyError::UnknownKey(key_id.to_owned()));
        }
        let temporary = write_private(path, &keys.to_text()?)?;
        std::fs::rename(&temporary, path).map_err(|error| file_error(path, error))?;
        Ok(())
    }

    /// The key ids, sorted.
    pub fn key_ids(&self) -> Vec<String> {
        self.seeds.keys().cloned().collect()
    }

    fn parse(path: &Path, text: &str) -> Result<Self, OprfKeyError> {
        let stored: Stored = serde_json::from_str(text)
            .map_err(|error| file_error(path, format!("not a CareKey OPRF key file ({error})")))?;
        let mut seeds = BTreeMap::new();
        for (key_id, seed) in stored.keys {
            if !(1..=32).contains(&key_id.len())
                || !key_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            {
                return Err(file_error(path, format!("{key_id:?} is not a key id")));
            }
            let bytes = Zeroizing::new(
                STANDARD
                    .decode(seed.as_bytes())
                    .map_err(|_| file_error(path, format!("key {key_id}: not base64")))?,
            );
            let seed: [u8; SEED_LEN] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| file_error(path, format!("key {key_id}: not {SEED_LEN} bytes")))?;
            seeds.insert(key_id, Zeroizing::new(seed));
        }
        if !seeds.contains_key(&stored.current) {
            return Err(file_error(
                path,
                format!("the current key {} is not in the file", stored.current),
            ));
        }
        Ok(KeyFile {
            current: stored.current,
            seeds,
        })
    }

    fn to_text(&self) -> Result<String, OprfKeyError> {
        let stored = Stored {
            current: self.current.clone(),
            keys: self
                .seeds
                .iter()
                .map(|(key_id, seed)| (key_id.clone(), STANDARD.encode(seed.as_slice())))
                .collect(),
        };
        let text = Zeroizing::new(
            serde_json::to_string_pretty(&stored)
                .map_err(|error| file_error(Path::new("-"), error))?,
        );
        Ok(format!("{}\n", text.as_str()))
    }
}

impl OprfKeys for KeyFile {
    fn current(&self) -> String {
        self.current.clone()
    }

    fn evaluate(
        &self,
        key_id: &str,
        info: &[u8],
        blinded: &[u8],
    ) -> Result<Evaluation, OprfKeyError> {
        let seed = self
            .seeds
            .get(key_id)
            .ok_or_else(|| OprfKeyError::UnknownKey(key_id.to_owned()))?;
        // Only a seed and info longer than 65,532 bytes together fail here.
        let server = VoprfServer::<Ristretto255>::new_from_seed(seed.as_slice(), info)
            .map_err(|_| OprfKeyError::NotAnElement)?;
        let blinded = BlindedElement::<Ristretto255>::deserialize(blinded)
            .map_err(|_| OprfKeyError::NotAnElement)?;
        let answer = server.blind_evaluate(&mut rand_core_06::OsRng, &blinded);
        Ok(Evaluation {
            evaluated: answer.message.serialize().to_vec(),
            proof: answer.proof.serialize().to_vec(),
            public_key: Ristretto255::serialize_elem(server.get_public_key()).to_vec(),
        })
    }
}

/// What tells one version of the key file from the next: a rotation or a
/// retirement renames a new file over it (a new inode), a hand edit
/// changes its time or length.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    modified: Option<std::time::SystemTime>,
    len: u64,
    #[cfg(unix)]
    inode: u64,
}

impl Version {
    fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = std::fs::metadata(path)?;
        Ok(Version {
            modified: metadata.modified().ok(),
            len: metadata.len(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(&metadata),
        })
    }
}

/// The key file a running server uses, followed while it runs: instances
/// sharing it agree after an operator's rotation or retirement without a
/// restart (otherwise one instance would seal under a key the others do
/// not have, and they would tell its owner the key was lost).
///
/// Invariant: the keys in use are those of the last version of the file
/// that could be read. A file that goes missing or cannot be read keeps
/// the server on the keys it has, with a warning, rather than losing them.
pub struct FollowedKeyFile {
    path: PathBuf,
    read: std::sync::RwLock<(Option<Version>, KeyFile)>,
}

impl std::fmt::Debug for FollowedKeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FollowedKeyFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl FollowedKeyFile {
    /// Reads the file at `path`, making it first when there is none
    /// ([`KeyFile::open_or_create`]).
    pub fn open_or_create(path: &Path) -> Result<Self, OprfKeyError> {
        let version = Version::of(path).ok();
        let keys = KeyFile::open_or_create(path)?;
        // Made just now: its version is known from here on.
        let version = version.or_else(|| Version::of(path).ok());
        Ok(FollowedKeyFile {
            path: path.to_path_buf(),
            read: std::sync::RwLock::new((version, keys)),
        })
    }

    /// Reads the file again when it changed since it was last read, then
    /// runs `use_keys` on the keys in use.
    fn with_keys<T>(&self, use_keys: impl FnOnce(&KeyFile) -> T) -> T {
        let now = Version::of(&self.path).ok();
        let changed = {
            let read = self
                .read
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            read.0 != now
        };
        if changed {
            let mut read = self
                .read
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if read.0 != now {
                match now.as_ref().map(|_| KeyFile::open_existing(&self.path)) {
                    None => {
                        tracing::warn!(path = %self.path.display(), "the OPRF key file is gone; the keys read before stay in use, but a restart would make new ones: restore the file");
                    }
                    Some(Ok(keys)) => {
                        tracing::info!(path = %self.path.display(), key_ids = ?keys.key_ids(), current = %keys.current, "OPRF key file read again");
                        read.1 = keys;
                    }
                    Some(Err(error)) => {
                        tracing::warn!(%error, "the OPRF key file changed and cannot be read; the keys read before stay in use");
                    }
                }
                // Not read again until it changes again: one warning per
                // version, not one per request.
                read.0 = now;
            }
        }
        let read = self
            .read
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        use_keys(&read.1)
    }
}

impl OprfKeys for FollowedKeyFile {
    fn current(&self) -> String {
        self.with_keys(KeyFile::current)
    }

    fn evaluate(
        &self,
        key_id: &str,
        info: &[u8],
        blinded: &[u8],
    ) -> Result<Evaluation, OprfKeyError> {
        self.with_keys(|keys| keys.evaluate(key_id, info, blinded))
    }
}

/// Where the key file is when `oprf_key_file` is not set: beside a SQLite
/// database's file (`carekey.db` → `carekey.db-oprf-keys.json`); `None` for
/// an in-memory database (its keys are ephemeral) and for PostgreSQL, whose
/// instances must share one file that the operator names.
pub fn default_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite:")?;
    if rest.contains(":memory:") || rest.contains("mode=memory") {
        return None;
    }
    let file = rest.trim_start_matches("//");
    let file = file.split('?').next().unwrap_or_default();
    if file.is_empty() {
        return None;
    }
    Some(PathBuf::from(format!("{file}-oprf-keys.json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blinded() -> Vec<u8> {
        // Any valid element: the base point's encoding.
        Ristretto255::serialize_elem(Ristretto255::base_elem()).to_vec()
    }

    /// The public key `keys` derives from `key_id` for the info `i`.
    fn public_key(keys: &impl OprfKeys, key_id: &str) -> Vec<u8> {
        keys.evaluate(key_id, b"i", &blinded()).unwrap().public_key
    }

    #[test]
    fn a_key_file_is_made_once_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let made = KeyFile::open_or_create(&path).unwrap();
        let again = KeyFile::open_or_create(&path).unwrap();
        assert_eq!(made.current(), again.current());
        let info = b"carekey oprf v1 test";
        assert_eq!(
            made.evaluate(&made.current(), info, &blinded())
                .unwrap()
                .public_key,
            again
                .evaluate(&made.current(), info, &blinded())
                .unwrap()
                .public_key
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the server's user reads it");
        }
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn instances_starting_together_make_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let ids: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| KeyFile::open_or_create(&path).unwrap().current()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
    }

    #[test]
    fn rotation_adds_a_current_key_and_keeps_the_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let first = KeyFile::open_or_create(&path).unwrap();
        let old_id = first.current();
        let old_key = public_key(&first, &old_id);
        let new_id = KeyFile::rotate(&path).unwrap();
        assert_ne!(new_id, old_id);
        let after = KeyFile::open_or_create(&path).unwrap();
        assert_eq!(after.current(), new_id);
        assert_eq!(after.key_ids().len(), 2);
        assert_eq!(
            public_key(&after, &old_id),
            old_key,
            "the old key still evaluates as it did"
        );
        assert_ne!(public_key(&after, &new_id), old_key);
        // The current key stays; the old one goes when asked.
        assert!(KeyFile::retire(&path, &new_id).is_err());
        KeyFile::retire(&path, &old_id).unwrap();
        let retired = KeyFile::open_or_create(&path).unwrap();
        assert_eq!(retired.key_ids(), vec![new_id.clone()]);
        assert!(matches!(
            KeyFile::retire(&path, &old_id),
            Err(OprfKeyError::UnknownKey(_))
        ));
    }

    #[test]
    fn a_running_server_follows_rotations_and_keeps_its_keys_when_the_file_is_damaged_or_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let followed = FollowedKeyFile::open_or_create(&path).unwrap();
        let old_id = followed.current();
        let old_key = public_key(&followed, &old_id);
        let new_id = KeyFile::rotate(&path).unwrap();
        assert_eq!(followed.current(), new_id, "the rotation is followed");
        assert!(followed.evaluate(&new_id, b"i", &blinded()).is_ok());
        KeyFile::retire(&path, &old_id).unwrap();
        assert!(matches!(
            followed.evaluate(&old_id, b"i", &blinded()),
            Err(OprfKeyError::UnknownKey(_))
        ));
        let new_key = public_key(&followed, &new_id);
        assert_ne!(new_key, old_key);
        // Damaged, then gone: the keys read before stay in use.
        std::fs::write(&path, "{\"current\": ").unwrap();
        assert_eq!(followed.current(), new_id);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(public_key(&followed, &new_id), new_key);
        // Put back (from the operator's backup): read again.
        let restored = KeyFile::ephemeral();
        std::fs::write(&path, restored.to_text().unwrap()).unwrap();
        assert_eq!(followed.current(), restored.current());
    }

    #[test]
    fn a_damaged_file_or_an_unknown_key_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(
            KeyFile::open_or_create(&path),
            Err(OprfKeyError::File { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
        std::fs::write(&path, r#"{"current":"a","keys":{"b":"AAAA"}}"#).unwrap();
        assert!(KeyFile::open_or_create(&path).is_err());
        let keys = KeyFile::ephemeral();
        assert!(matches!(
            keys.evaluate("lost", b"i", &blinded()),
            Err(OprfKeyError::UnknownKey(_))
        ));
        assert!(matches!(
            keys.evaluate(&keys.current(), b"i", &[0u8; 32]),
            Err(OprfKeyError::NotAnElement)
        ));
    }

    #[test]
    fn the_debug_form_names_key_ids_only() {
        let keys = KeyFile::ephemeral();
        let shown = format!("{keys:?}");
        assert!(shown.contains(&keys.current()));
        let seed = STANDARD.encode(keys.seeds[&keys.current()].as_slice());
        assert!(!shown.contains(&seed));
    }

    #[test]
    fn the_default_file_is_beside_a_sqlite_database_and_none_otherwise() {
        assert_eq!(
            default_path("sqlite:///var/lib/carekey/carekey.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/carekey/carekey.db-oprf-keys.json"))
        );
        assert_eq!(
            default_path("sqlite://carekey.db"),
            Some(PathBuf::from("carekey.db-oprf-keys.json"))
        );
        assert_eq!(default_path("sqlite::memory:"), None);
        assert_eq!(default_path("postgres://carekey@db/carekey"), None);
    }
}
