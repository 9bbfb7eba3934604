//! `carekey-server`: the auth server on its own, and what its operator does
//! with it. With no subcommand it serves; with no settings it listens on
//! 127.0.0.1:8080 with SQLite (`carekey.db`) and the development outbox.
//!
//! Exit status: 0 done, 1 a failure while running (the database, the
//! address), 2 settings that are wrong (the message names the setting).

use carekey_server::{Settings, StartError, admin};
use clap::{Parser, Subcommand};
use serde_json::json;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "carekey-server", version, about = "CareKey's passwordless auth server", after_long_help = Settings::help(), after_help = "Run with --help for every setting.")]
struct Cli {
    /// A TOML file of settings (keys as listed below) [default:
    /// /etc/carekey/carekey.toml where it exists, as the package installs
    /// it; else none]
    #[arg(long, short, global = true)]
    config: Option<PathBuf>,
    /// Print what a command reports as JSON instead of text
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (what runs without a subcommand)
    Serve,
    /// Check the settings as a start would, without opening the database,
    /// and print them in effect (secrets redacted); exit 2 on an error,
    /// naming the setting
    CheckConfig,
    /// Apply the database migrations and exit
    Migrate,
    /// Copy a SQLite database while servers run on it: a consistent
    /// snapshot, checked, written under FILE only once whole
    Backup {
        /// The new file (refused if it exists)
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Move an installation from SQLite to PostgreSQL: every table, in one
    /// transaction, each checked by row count and checksum. Stop the
    /// servers first: writes made during the copy do not move
    CopyData {
        /// The SQLite database (default: database_url)
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// The PostgreSQL database (migrated first if new)
        #[arg(long, value_name = "URL")]
        to: String,
        /// Delete what the target holds first (refused otherwise)
        #[arg(long)]
        replace_target: bool,
    },
    #[command(flatten)]
    Database(DatabaseCommand),
    /// Print the example configuration: every setting at its default
    ExampleConfig {
        /// As the Debian package installs it (its paths in /var/lib/carekey)
        #[arg(long)]
        packaged: bool,
    },
}

/// The commands that work on the database as it is (never migrating it),
/// beside the servers running on it.
#[derive(Subcommand)]
enum DatabaseCommand {
    /// Find accounts
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// End sessions: their tokens stop working at their next request
    Sessions {
        #[command(subcommand)]
        command: SessionsCommand,
    },
    /// Lift the lock that wrong codes put on an email or phone number
    Unlock {
        /// The email, or the phone number in international form (+…)
        identifier: String,
    },
    /// What operators did (the operators' audit), newest first
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// The keys that sign access tokens
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The keys that harden password backups (oprf_key_file)
    BackupKeys {
        #[command(subcommand)]
        command: BackupKeysCommand,
    },
    /// What waits to go out (counts by state, the oldest pending); with a
    /// subcommand, the jobs given up and sending them again
    Queue {
        #[command(subcommand)]
        command: Option<QueueCommand>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Each key, and whether it signs, is next, or only checks the tokens
    /// it signed
    List,
    /// A new signing key: published now, signing in 10 minutes; the old
    /// one checks its tokens until they have expired. Running servers take
    /// it up within 30 s
    Rotate {
        /// For a key that leaked: the new key signs at once and the old
        /// one checks nothing more, so every access token it signed stops
        /// working (apps refresh theirs; nobody is logged out)
        #[arg(long)]
        immediately: bool,
    },
}

#[derive(Subcommand)]
enum BackupKeysCommand {
    /// Each key, whether it is current, and how many stored backups need it
    List,
    /// A new key for new backups; the older ones stay for the backups sealed
    /// under them, which devices seal again under the new one as they open.
    /// Running servers sharing the file take it up without a restart
    Rotate,
    /// Remove an older key that no stored backup needs any more
    Retire {
        /// The key id (`backup-keys list`)
        key_id: String,
    },
}

#[derive(Subcommand)]
enum QueueCommand {
    /// The jobs given up after their last attempt (kept 30 days)
    Dead {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Send given-up jobs again: one, or --all of those that can be
    /// (messages to people cannot: their codes expired)
    Retry {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// The newest accounts first
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One account, its sessions, and what operators did to it
    Show {
        /// The user id, email, or phone number in international form (+…)
        who: String,
    },
    /// Stop an account logging in and revoke its sessions; its data stays
    Disable {
        /// The user id, email, or phone number in international form (+…)
        who: String,
    },
    /// Let a disabled account log in again
    Enable {
        /// The user id, email, or phone number in international form (+…)
        who: String,
    },
    /// Let a password backup locked by too many wrong passwords be tried
    /// again (10 tries), once you have checked who is asking some other way
    UnlockBackup {
        /// The user id, email, or phone number in international form (+…)
        who: String,
    },
    /// Delete an account and everything it owns (notes, keys, backups,
    /// sessions, what login kept about its email and phone); the audit
    /// keeps its id, the action and the counts. Cannot be undone.
    Delete {
        /// The user id, email, or phone number in international form (+…)
        who: String,
        /// For a clinician whom patients name (refused unless one of these
        /// says what becomes of them): they name this clinician instead,
        /// who has to accept them
        #[arg(long, value_name = "CLINICIAN", conflicts_with = "release_patients")]
        move_patients_to: Option<String>,
        /// For a clinician whom patients name: they keep their accounts and
        /// notes and name no clinician
        #[arg(long)]
        release_patients: bool,
    },
}

#[derive(Subcommand)]
enum SessionsCommand {
    /// Revoke the active sessions of one account, or of every account
    Revoke {
        /// The user id, email, or phone number in international form (+…)
        #[arg(
            long,
            value_name = "WHO",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        user: Option<String>,
        /// Every account's sessions (after a leak of tokens or keys)
        #[arg(long)]
        all: bool,
    },
}

/// Where the Debian package installs the settings.
const INSTALLED_CONFIG: &str = "/etc/carekey/carekey.toml";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::ExampleConfig { packaged } = command {
        if packaged {
            print!("{}", Settings::packaged_example());
        } else {
            print!("{}", Settings::example());
        }
        return ExitCode::SUCCESS;
    }
    // On a machine with the package, the operator's commands read the
    // service's settings without being told (and so find its database).
    let config = cli.config.or_else(|| {
        let installed = PathBuf::from(INSTALLED_CONFIG);
        installed.is_file().then_some(installed)
    });
    let settings = match Settings::load(config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => return refused(json, None, &error.to_string()),
    };
    match command {
        Command::Serve | Command::ExampleConfig { .. } => serve(settings),
        Command::CheckConfig => check_config(&settings, json),
        Command::Migrate => with_runtime(migrate(&settings, json)),
        Command::Backup { to } => {
            with_runtime(async { done(json, admin::backup::backup(&settings, &to).await) })
        }
        Command::CopyData {
            from,
            to,
            replace_target,
        } => with_runtime(async {
            let from = from.as_deref().unwrap_or(&settings.database_url);
            done(
                json,
                admin::copy::copy_data(&settings, from, &to, replace_target).await,
            )
        }),
        Command::Database(command) => with_runtime(on_database(&settings, command, json)),
    }
}

async fn migrate(settings: &Settings, json: bool) -> ExitCode {
    carekey_server::init_logging(settings);
    match carekey_server::migrate(settings).await {
        Ok((database, version)) => {
            if json {
                println!("{}", json!({"database": database, "version": version}));
            } else {
                println!("migrated: the {database} database is at version {version}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => failed(json, &error),
    }
}

async fn on_database(settings: &Settings, command: DatabaseCommand, json: bool) -> ExitCode {
    let db = match admin::open(settings).await {
        Ok(db) => db,
        Err(error) => return done::<String>(json, Err(error)),
    };
    let now = carekey_server::Clock::system().now_ms();
    let actor = admin::cli_actor();
    let actor = actor.as_str();
    let code = match command {
        DatabaseCommand::Users {
            command: UsersCommand::List { limit },
        } => done(json, admin::users::list(&db, limit).await),
        DatabaseCommand::Users {
            command: UsersCommand::Show { who },
        } => done(json, admin::users::show(&db, &who).await),
        DatabaseCommand::Users {
            command: UsersCommand::Disable { who },
        } => done(
            json,
            admin::users::set_disabled(&db, &who, true, actor, now).await,
        ),
        DatabaseCommand::Users {
            command: UsersCommand::Enable { who },
        } => done(
            json,
            admin::users::set_disabled(&db, &who, false, actor, now).await,
        ),
        DatabaseCommand::Users {
            command: UsersCommand::UnlockBackup { who },
        } => done(
            json,
            admin::users::unlock_backup(&db, &who, actor, now).await,
        ),
        DatabaseCommand::Users {
            command:
                UsersCommand::Delete {
                    who,
                    move_patients_to,
                    release_patients,
                },
        } => {
            let patients = match (&move_patients_to, release_patients) {
                (Some(to), _) => admin::users::Patients::MoveTo(to),
                (None, true) => admin::users::Patients::Release,
                (None, false) => admin::users::Patients::Refuse,
            };
            done(
                json,
                admin::users::delete(&db, &who, patients, actor, now, None).await,
            )
        }
        DatabaseCommand::Sessions {
            command: SessionsCommand::Revoke { user, .. },
        } => {
            let scope = match &user {
                Some(who) => admin::users::Scope::User(who),
                None => admin::users::Scope::Everyone,
            };
            done(
                json,
                admin::users::revoke_sessions(&db, scope, actor, now).await,
            )
        }
        DatabaseCommand::Audit { limit } => done(json, admin::audit::recent(&db, limit).await),
        DatabaseCommand::Keys {
            command: KeysCommand::List,
        } => done(json, admin::keys::list(&db, now).await),
        DatabaseCommand::Keys {
            command: KeysCommand::Rotate { immediately },
        } => {
            let ttl = admin::keys::access_ttl_ms(settings);
            done(
                json,
                admin::keys::rotate(&db, ttl, immediately, actor, now).await,
            )
        }
        DatabaseCommand::BackupKeys {
            command: BackupKeysCommand::List,
        } => done(json, admin::backup_keys::list(&db, settings).await),
        DatabaseCommand::BackupKeys {
            command: BackupKeysCommand::Rotate,
        } => done(
            json,
            admin::backup_keys::rotate(&db, settings, actor, now).await,
        ),
        DatabaseCommand::BackupKeys {
            command: BackupKeysCommand::Retire { key_id },
        } => done(
            json,
            admin::backup_keys::retire(&db, settings, &key_id, actor, now).await,
        ),
        DatabaseCommand::Queue { command: None } => {
            done(json, admin::queue::status(&db, now).await)
        }
        DatabaseCommand::Queue {
            command: Some(QueueCommand::Dead { limit }),
        } => done(json, admin::queue::dead_letters(&db, limit).await),
        DatabaseCommand::Queue {
            command: Some(QueueCommand::Retry { id, .. }),
        } => {
            let which = match &id {
                Some(id) => admin::queue::Retry::One(id),
                None => admin::queue::Retry::All,
            };
            done(json, admin::queue::retry(&db, which, actor, now).await)
        }
        DatabaseCommand::Unlock { identifier } => done(
            json,
            admin::users::unlock(&db, &identifier, actor, now).await,
        ),
    };
    db.close().await;
    code
}

fn serve(settings: Settings) -> ExitCode {
    carekey_server::init_logging(&settings);
    with_runtime(async {
        match carekey_server::start(settings).await {
            Ok(server) => {
                server.run_until_signal().await;
                ExitCode::SUCCESS
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot start");
                failed(false, &error)
            }
        }
    })
}

/// The checks of a start that need neither the database nor the socket.
fn check_config(settings: &Settings, json: bool) -> ExitCode {
    let address = match listen_address(&settings.listen) {
        Some(address) => address,
        None => {
            let why = format!("`{}` is not an address and port", settings.listen);
            return failed(json, &StartError::Setting("listen", why));
        }
    };
    if let Err(error) = carekey_server::check(settings, address) {
        return failed(json, &error);
    }
    if json {
        match serde_json::to_string_pretty(settings) {
            Ok(text) => println!("{text}"),
            Err(error) => return refused(json, None, &error.to_string()),
        }
    } else {
        print!(
            "# The settings in effect; they are valid.\n{}",
            settings.to_toml()
        );
    }
    ExitCode::SUCCESS
}

/// `listen` as the listener would take it (a name such as `localhost` is
/// looked up, as binding does).
fn listen_address(listen: &str) -> Option<SocketAddr> {
    listen.to_socket_addrs().ok()?.next()
}

fn with_runtime(work: impl std::future::Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(work),
        Err(error) => {
            eprintln!("carekey-server: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// An operator's command done: its report as text or JSON, or its error
/// (exit 2 when it was refused as asked, 1 when something failed).
fn done<Report: serde::Serialize + std::fmt::Display>(
    json: bool,
    result: Result<Report, admin::AdminError>,
) -> ExitCode {
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            self::report(json, None, &error.to_string());
            return if error.is_refusal() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            };
        }
    };
    if json {
        match serde_json::to_string(&report) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("carekey-server: {error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("{report}");
    }
    ExitCode::SUCCESS
}

/// A failure to start: settings that are wrong exit 2, anything else 1.
fn failed(json: bool, error: &StartError) -> ExitCode {
    match error.setting() {
        Some(setting) => refused(json, Some(setting), &error.to_string()),
        None => {
            report(json, None, &error.to_string());
            ExitCode::FAILURE
        }
    }
}

/// Settings that are wrong: exit 2.
fn refused(json: bool, setting: Option<&str>, message: &str) -> ExitCode {
    report(json, setting, message);
    ExitCode::from(2)
}

fn report(json: bool, setting: Option<&str>, message: &str) {
    if json {
        println!(
            "{}",
            json!({"error": {"setting": setting, "message": message}})
        );
    }
    eprintln!("carekey-server: {message}");
}
