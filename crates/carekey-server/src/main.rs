//! `carekey-server`: the auth server on its own. With no settings it listens on
//! 127.0.0.1:8080 with SQLite (`carekey.db`) and the development outbox.

use carekey_server::Settings;
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "carekey-server", version, about = "CareKey's passwordless auth server", after_long_help = Settings::help(), after_help = "Run with --help for every setting.")]
struct Cli {
    /// A TOML file of settings (keys as listed below)
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Print the effective settings (secrets redacted) and exit
    #[arg(long)]
    print_settings: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("carekey-server: {error}");
            return ExitCode::from(2);
        }
    };
    if cli.print_settings {
        match serde_json::to_string_pretty(&settings) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("carekey-server: {error}"),
        }
        return ExitCode::SUCCESS;
    }
    carekey_server::init_logging(&settings);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("carekey-server: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match carekey_server::start(settings).await {
            Ok(server) => {
                server.run_until_signal().await;
                ExitCode::SUCCESS
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot start");
                eprintln!("carekey-server: {error}");
                ExitCode::FAILURE
            }
        }
    })
}
