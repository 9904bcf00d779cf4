//! A throw-away PostgreSQL server for the fleet tests: a cluster made by `initdb` in a
//! temporary folder, listening on 127.0.0.1 at a free port (and a Unix socket in that
//! folder), stopped when the value is dropped. As root the cluster is made and run by the
//! unprivileged `postgres` user (initdb refuses root). Missing binaries fail the test with
//! the README's install line: a fleet test never skips in silence.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The README's one install line.
pub const INSTALL_LINE: &str = "sudo apt-get install pkg-config libfontconfig1-dev postgresql";

/// The superuser's password in every test cluster.
pub const ADMIN_PASSWORD: &str = "fleet-test-admin";

pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_user: Option<&'static str>,
    /// Flush to disk as a production server does (the benchmark); tests run without.
    durable: bool,
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(dir) = found.pop() {
        return dir;
    }
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let dir = Path::new(dir);
        if dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
            return dir.to_path_buf();
        }
    }
    panic!("the fleet tests need a PostgreSQL server (initdb, pg_ctl), and none is installed. Install it with: {INSTALL_LINE}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

impl PgServer {
    /// Make and start a cluster; panics (with the install line) when PostgreSQL is missing.
    pub fn start() -> PgServer {
        Self::start_with(false)
    }

    /// [`PgServer::start`], with `fsync` on when `durable` (the benchmark's server).
    pub fn start_with(durable: bool) -> PgServer {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("kiosk-pg-")
            .tempdir()
            .expect("a temporary folder");
        let as_user = if is_root() { Some("postgres") } else { None };
        if let Some(user) = as_user {
            let ok = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(
                ok,
                "chown the test cluster's folder to {user} (is the postgresql package installed? {INSTALL_LINE})"
            );
        }
        let pwfile = dir.path().join("pwfile");
        std::fs::write(&pwfile, ADMIN_PASSWORD).unwrap();
        if let Some(user) = as_user {
            let _ = Command::new("chown").arg(format!("{user}:")).arg(&pwfile).status();
        }
        let data = dir.path().join("data");
        let mut server = PgServer {
            dir,
            bin,
            port: 0,
            as_user,
            durable,
        };
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                "--pwfile",
                pwfile.to_str().unwrap(),
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        // A free port can be taken between asking and binding: try a few.
        for _ in 0..5 {
            server.port = free_port();
            let started = server.pg_ctl_start();
            if started {
                return server;
            }
        }
        let log = std::fs::read_to_string(server.dir.path().join("server.log")).unwrap_or_default();
        panic!("the test PostgreSQL server did not start:\n{log}");
    }

    fn command(&self, tool: &str, args: &[&str]) -> Command {
        let exe = self.bin.join(tool);
        let mut cmd = match self.as_user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        cmd.args(args).current_dir(self.dir.path());
        cmd
    }

    fn try_run(&self, tool: &str, args: &[&str]) -> bool {
        self.command(tool, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self
            .command(tool, args)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e} (install: {INSTALL_LINE})"));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The superuser's URL for `db` (TCP on 127.0.0.1).
    pub fn admin_url(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{ADMIN_PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// The URL of `db` for `user` with `password`.
    pub fn url_for(&self, user: &str, password: &str, db: &str) -> String {
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// A new, empty database (each test takes its own); returns its superuser URL.
    pub fn create_database(&self, name: &str) -> String {
        let mut client = postgres::Client::connect(&self.admin_url("postgres"), postgres::NoTls)
            .expect("connect to the test server as its superuser");
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create the test database");
        self.admin_url(name)
    }

    /// The cluster's folder (the socket and `server.log` are here).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stop the server (as a crash would when `immediate`); `start_again` brings it back.
    pub fn stop(&self, immediate: bool) {
        let data = self.dir.path().join("data");
        let mode = if immediate { "immediate" } else { "fast" };
        self.try_run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", mode, "-w", "stop"]);
    }

    /// `pg_ctl start` on this server's port, waiting until it answers.
    fn pg_ctl_start(&self) -> bool {
        let data = self.dir.path().join("data");
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync={} -c max_connections=200",
            self.port,
            self.dir.path().display(),
            if self.durable { "on" } else { "off" }
        );
        let log = self.dir.path().join("server.log");
        self.try_run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    /// Start a stopped server again on the same port.
    pub fn start_again(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.pg_ctl_start() {
            assert!(Instant::now() < deadline, "the test server did not restart");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop(true);
    }
}
