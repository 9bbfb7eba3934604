//! A PostgreSQL cluster of one test's own (Debian's `postgresql`), for the
//! tests that stop and start the database under a running server: the
//! shared cluster that `tests/run.sh` starts serves every other suite at the
//! same time and must never go away. Durability stays on, as deployed.

use super::process::free_port;
use std::path::{Path, PathBuf};

pub struct PostgresCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
    as_root: bool,
}

impl PostgresCluster {
    /// initdb and start; fails (never skips) without PostgreSQL installed.
    pub async fn start() -> Self {
        let initdb = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (apt-get install postgresql; tests/setup.sh does)")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.path().join("bin/initdb"))
            .filter(|path| path.is_file())
            .max_by_key(|path| {
                path.components()
                    .nth(4)
                    .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            })
            .expect("an initdb under /usr/lib/postgresql/*/bin");
        let bin = initdb.parent().expect("bin folder").to_path_buf();
        let dir = tempfile::tempdir().expect("temp dir");
        let whoami = std::process::Command::new("id")
            .arg("-u")
            .output()
            .expect("id -u");
        let as_root = String::from_utf8_lossy(&whoami.stdout).trim() == "0";
        if as_root {
            // initdb refuses to run as root.
            let mut chown = std::process::Command::new("chown");
            chown.arg("postgres").arg(dir.path());
            run(chown).await;
        }
        let cluster = PostgresCluster {
            bin,
            dir,
            port: free_port(),
            as_root,
        };
        let mut initdb = cluster.command("initdb");
        initdb
            .arg("-D")
            .arg(cluster.data())
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        run(initdb).await;
        cluster.start_again().await;
        cluster
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> std::process::Command {
        let program = self.bin.join(program);
        if self.as_root {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            std::process::Command::new(program)
        }
    }

    /// Starts the stopped cluster on its port and waits until it accepts
    /// connections.
    pub async fn start_again(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {}",
            self.port,
            self.dir.path().display()
        );
        let mut start = self.command("pg_ctl");
        start
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-o", &options, "start"]);
        run(start).await;
    }

    /// Stops it: `fast` (clients disconnected, a clean shutdown) or
    /// `immediate` (as a crash: recovery from the WAL at the next start).
    pub async fn stop(&self, mode: &str) {
        let mut stop = self.command("pg_ctl");
        stop.arg("-D")
            .arg(self.data())
            .args(["-w", "-m", mode, "stop"]);
        run(stop).await;
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PostgresCluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

async fn run(command: std::process::Command) {
    let description = format!("{command:?}");
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .expect("the command runs");
    assert!(
        output.status.success(),
        "{description} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
