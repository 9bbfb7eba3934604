//! The attack issue 18 is about, run for real: someone copies the server's
//! database (the SQLite file; a `pg_dump` of PostgreSQL) and guesses a
//! patient's backup password offline from a small dictionary that holds it.
//!
//! - Her format 2 backup (what the app seals) resists: without the server's
//!   OPRF key, no candidate opens it, whether tried as a plain password or
//!   with an OPRF output made under any other key.
//! - With the OPRF key file as well, the same dictionary finds her password
//!   at once: the key file is what the attack lacks, so it is what the
//!   README tells operators to keep apart from the database's backups.
//! - A format 1 backup in the same copy (an older app's) falls to the
//!   dictionary alone: the difference is the format, not the dictionary.
//!
//! The dictionary's passwords are ones zxcvbn rates strong, so that the
//! app seals them; the attack does not care how strong they are.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_core::KeyPair;
use carekey_core::envelope::{self, Argon2Params, OprfBinding, Purpose, Secret};
use carekey_server::oprf_keys::{KeyFile, OprfKeys};
use common::memory;
use sqlx::{Connection, Row};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

const DICTIONARY: [&str; 8] = [
    "marble-otter-quietly-lantern-9",
    "tidal-mango-orbit-velvet-42",
    "copper-fjord-whistle-umbrella",
    "seventeen-violet-harbour-kites",
    "granite-sparrow-oatmeal-tuba-3",
    "lemon-glacier-sofa-trumpet-88",
    "pepper-canyon-ribbon-walrus",
    "quilted-nebula-fennel-drums-5",
];
const HER_PASSWORD: &str = "seventeen-violet-harbour-kites";
const HIS_PASSWORD: &str = "lemon-glacier-sofa-trumpet-88";

/// The password backups in a copy of the database: owner id → envelope.
type Copied = Vec<(String, Vec<u8>)>;

/// SQLite: a consistent copy of the live file, read as a stranger would.
async fn copy_sqlite(database: &Path, dir: &Path) -> Copied {
    let copy = dir.join("stolen.db");
    let mut live = sqlx::SqliteConnection::connect(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "VACUUM INTO '{}'",
        copy.display()
    )))
    .execute(&mut live)
    .await
    .unwrap();
    let mut stolen = sqlx::SqliteConnection::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    sqlx::query("SELECT user_id, envelope FROM key_backups WHERE kind = 'password'")
        .fetch_all(&mut stolen)
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get("user_id"), row.get("envelope")))
        .collect()
}

/// PostgreSQL: `pg_dump` of the database, its `key_backups` rows read back
/// from the dump's text.
fn copy_postgres(database_url: &str) -> Copied {
    let pg_dump = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's programs (Debian's postgresql package) are installed")
        .filter_map(|entry| Some(entry.ok()?.path().join("bin/pg_dump")))
        .filter(|path| path.exists())
        .max()
        .expect("pg_dump is installed (Debian's postgresql package)");
    let dump = std::process::Command::new(pg_dump)
        .args([
            "--data-only",
            "--table=key_backups",
            "--dbname",
            database_url,
        ])
        .output()
        .unwrap();
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let text = String::from_utf8(dump.stdout).unwrap();
    let header = text
        .lines()
        .find(|line| line.starts_with("COPY public.key_backups ("))
        .expect("the dump has the key_backups table");
    let columns: Vec<&str> = header["COPY public.key_backups (".len()..]
        .split(')')
        .next()
        .unwrap()
        .split(", ")
        .collect();
    let at = |name: &str| columns.iter().position(|column| *column == name).unwrap();
    let (user, kind, envelope) = (at("user_id"), at("kind"), at("envelope"));
    text.lines()
        .skip_while(|line| !line.starts_with("COPY public.key_backups ("))
        .skip(1)
        .take_while(|line| *line != "\\.")
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|fields| fields[kind] == "password")
        .map(|fields| {
            let hex = fields[envelope].trim_start_matches("\\\\x");
            let bytes = data_encoding::HEXLOWER.decode(hex.as_bytes()).unwrap();
            (fields[user].to_owned(), bytes)
        })
        .collect()
}

/// The candidates that open `sealed` for `owner` when each is tried with
/// `oprf_output` (None: as a format 1 password).
fn dictionary_attack(
    sealed: &[u8],
    owner: &str,
    oprf_output: impl Fn(&[u8; 32], &OprfBinding) -> Option<Zeroizing<[u8; 64]>>,
) -> Vec<&'static str> {
    let described = envelope::describe(sealed).unwrap();
    let params = described.params.unwrap();
    DICTIONARY
        .iter()
        .copied()
        .filter(|candidate| match &described.hardening {
            None => envelope::open(
                sealed,
                Purpose::PasswordBackup,
                &Secret::Password(candidate),
                owner,
            )
            .is_ok(),
            Some((binding, salt)) => {
                let stretched = envelope::stretch(candidate, salt, params).unwrap();
                let as_plain = envelope::open(
                    sealed,
                    Purpose::PasswordBackup,
                    &Secret::Password(candidate),
                    owner,
                );
                assert!(
                    as_plain.is_err(),
                    "a format 2 envelope never opens as format 1"
                );
                oprf_output(&stretched, binding).is_some_and(|oprf| {
                    envelope::open(
                        sealed,
                        Purpose::PasswordBackup,
                        &Secret::Hardened {
                            stretched: &stretched,
                            oprf: &oprf,
                        },
                        owner,
                    )
                    .is_ok()
                })
            }
        })
        .collect()
}

/// The device's half of the OPRF against `keys` (the stolen key file, or
/// one the attacker made up), for the backup `binding` names.
fn evaluate_with(
    keys: &KeyFile,
    owner: &str,
    stretched: &[u8; 32],
    binding: &OprfBinding,
) -> Option<Zeroizing<[u8; 64]>> {
    let info = carekey_api::oprf::context_info(owner, &binding.context).unwrap();
    let blinded = carekey_core::oprf::blind(stretched).unwrap();
    let key_id = if keys.key_ids().contains(&binding.key_id) {
        binding.key_id.clone()
    } else {
        keys.current()
    };
    let answer = keys.evaluate(&key_id, &info, &blinded.element).unwrap();
    // The envelope names the key it was sealed under: an answer under any
    // other fails its proof, as it does in the app.
    blinded
        .finalize(
            stretched,
            &answer.evaluated,
            &answer.proof,
            &binding.public_key,
        )
        .ok()
}

/// She (format 2, through the app's own sealing) and he (format 1, as an
/// older app stored it) keep password backups on the server `database_url`.
async fn two_backups(database_url: &str, key_file: &Path, dir: &Path) -> (String, String) {
    let server = common::server(|settings| {
        settings.database_url = database_url.to_owned();
        settings.oprf_key_file = Some(key_file.display().to_string());
        settings.outbox_file = dir.join("outbox.jsonl").display().to_string();
    })
    .await;
    let her_store = memory();
    let (her, _) = server.logged_in_clinician(&her_store, "her").await;
    her.create_keypair(|_| {}).await.unwrap();
    her.set_backup_password(
        Zeroizing::new(HER_PASSWORD.into()),
        std::sync::Arc::new(|_| {}),
    )
    .await
    .unwrap();
    let her_id = her.profile().await.unwrap().user_id;

    let his_store = memory();
    let (him, _) = server.logged_in_clinician(&his_store, "him").await;
    let his_id = him.profile().await.unwrap().user_id;
    let pair = KeyPair::generate(|_| {}).unwrap();
    let format_1 = envelope::seal(
        Purpose::PasswordBackup,
        &Secret::Password(HIS_PASSWORD),
        &his_id,
        std::slice::from_ref(&pair),
        Argon2Params::DESKTOP,
    )
    .unwrap();
    common::store_envelope_alone(&server.running.url(), &his_store, &format_1).await;
    server.running.shutdown().await;
    (her_id, his_id)
}

async fn the_copy_resists_without_the_key_file_and_falls_with_it(
    copied: Copied,
    key_file: &Path,
    her_id: &str,
    his_id: &str,
) {
    let envelope_of = |owner: &str| {
        copied
            .iter()
            .find(|(user, _)| user == owner)
            .map(|(_, envelope)| envelope.clone())
            .expect("the copy holds the backup")
    };
    let hers = envelope_of(her_id);
    let his = envelope_of(his_id);
    assert!(envelope::describe(&hers).unwrap().hardening.is_some());
    assert!(envelope::describe(&his).unwrap().hardening.is_none());

    // Without the key file: no OPRF output at all, or one under a key the
    // attacker made; no candidate opens hers.
    assert!(dictionary_attack(&hers, her_id, |_, _| None).is_empty());
    let made_up = KeyFile::ephemeral();
    assert!(
        dictionary_attack(&hers, her_id, |stretched, binding| {
            evaluate_with(&made_up, her_id, stretched, binding)
        })
        .is_empty()
    );
    // With the key file too: found.
    let stolen_keys = KeyFile::open_or_create(key_file).unwrap();
    assert_eq!(
        dictionary_attack(&hers, her_id, |stretched, binding| {
            evaluate_with(&stolen_keys, her_id, stretched, binding)
        }),
        vec![HER_PASSWORD]
    );
    // His format 1 backup falls to the dictionary alone.
    assert_eq!(
        dictionary_attack(&his, his_id, |_, _| None),
        vec![HIS_PASSWORD]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_sqlite_file_cannot_be_guessed_at_without_the_oprf_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("carekey.db");
    let key_file = dir.path().join("elsewhere-oprf-keys.json");
    let url = format!("sqlite://{}", database.display());
    let (her_id, his_id) = two_backups(&url, &key_file, dir.path()).await;
    let copied = copy_sqlite(&database, dir.path()).await;
    the_copy_resists_without_the_key_file_and_falls_with_it(copied, &key_file, &her_id, &his_id)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_dump_cannot_be_guessed_at_without_the_oprf_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let key_file: PathBuf = dir.path().join("oprf-keys.json");
    let url = common::new_postgres_database().await;
    let (her_id, his_id) = two_backups(&url, &key_file, dir.path()).await;
    let copied = copy_postgres(&url);
    the_copy_resists_without_the_key_file_and_falls_with_it(copied, &key_file, &her_id, &his_id)
        .await;
}
