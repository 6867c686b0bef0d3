//! A PostgreSQL cluster run from the machine's own server binaries: the local development
//! server under `./.pgbake/` and the throwaway clusters of the test harness.

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::Error;

/// A cluster (data folder + server settings) managed by pgbake.
#[derive(Debug, Clone)]
pub struct LocalCluster {
    /// Folder holding `data/`, `run/` (socket) and `postgres.log`.
    pub root: PathBuf,
    /// TCP port on 127.0.0.1.
    pub port: u16,
    /// Folder with `initdb`, `pg_ctl`, `postgres`.
    pub bin_dir: PathBuf,
    /// Whether to turn fsync off (throwaway clusters only).
    pub fsync_off: bool,
    /// System user that owns and runs the cluster when pgbake runs as root (`postgres`).
    pub run_as: Option<String>,
    /// Password of the `postgres` superuser, for a cluster made with
    /// [`LocalCluster::init_with_password`] (then part of [`LocalCluster::url`]).
    pub password: Option<String>,
    /// Address the server listens on (default `127.0.0.1`).
    pub listen_address: String,
}

impl LocalCluster {
    /// A cluster description for `root`; nothing is created yet.
    pub fn new(root: impl Into<PathBuf>, port: u16) -> Result<LocalCluster, Error> {
        let bin_dir = find_bin_dir()?;
        let run_as = if running_as_root() {
            Some("postgres".to_string())
        } else {
            None
        };
        Ok(LocalCluster {
            root: root.into(),
            port,
            bin_dir,
            fsync_off: false,
            run_as,
            password: None,
            listen_address: "127.0.0.1".into(),
        })
    }

    /// The data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The Unix socket folder (private, so no clash with a system server).
    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    /// The server log.
    pub fn log_file(&self) -> PathBuf {
        self.root.join("postgres.log")
    }

    /// URL for `database` as the `postgres` superuser over TCP (with the password, when
    /// the cluster has one).
    pub fn url(&self, database: &str) -> String {
        let password = self
            .password
            .as_ref()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        format!(
            "postgres://postgres{password}@{}:{}/{database}?sslmode=disable",
            self.listen_address, self.port
        )
    }

    /// Whether `initdb` has run here.
    pub fn is_initialized(&self) -> bool {
        self.data_dir().join("PG_VERSION").exists()
    }

    /// Runs `initdb` with trust authentication (for throwaway test clusters: UTF-8, user
    /// `postgres`, a private socket folder).
    pub fn init(&self) -> Result<(), Error> {
        self.prepare_folders()?;
        let data = self.data_dir();
        let output = self.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
        )?;
        check_output("initdb", output)
    }

    /// Runs `initdb` with scram-sha-256 password authentication for every connection,
    /// socket and TCP: the `postgres` superuser gets `password`.
    pub fn init_with_password(&self, password: &str) -> Result<(), Error> {
        use std::os::unix::fs::OpenOptionsExt;
        self.prepare_folders()?;
        let pwfile = self.root.join("initdb-password");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&pwfile)
            .map_err(|e| io_error("create", &pwfile, e))?;
        std::io::Write::write_all(&mut file, password.as_bytes())
            .map_err(|e| io_error("write", &pwfile, e))?;
        self.hand_over(&pwfile)?;
        let data = self.data_dir();
        let output = self.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "--auth=scram-sha-256",
                &format!("--pwfile={}", pwfile.display()),
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
        );
        let _ = std::fs::remove_file(&pwfile);
        check_output("initdb", output?)
    }

    /// The cluster's folders, owned by the server's user; the root and the socket folder
    /// are private (0700), so no other local user reaches the socket.
    fn prepare_folders(&self) -> Result<(), Error> {
        use std::os::unix::fs::PermissionsExt;
        for dir in [self.root.clone(), self.data_dir(), self.socket_dir()] {
            std::fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
            self.hand_over(&dir)?;
        }
        for dir in [&self.root, &self.socket_dir()] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| io_error("chmod", dir, e))?;
        }
        Ok(())
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) -> Result<(), Error> {
        let mut options = format!(
            "-p {} -k {} -c listen_addresses={} -c unix_socket_permissions=0700 -c max_connections=200",
            self.port,
            self.socket_dir().display(),
            self.listen_address
        );
        if self.fsync_off {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let log = self.log_file();
        if !log.exists() {
            std::fs::write(&log, b"").map_err(|e| io_error("create", &log, e))?;
            self.hand_over(&log)?;
        }
        let data = self.data_dir();
        let output = self.run(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )?;
        check_output("pg_ctl start", output).map_err(|e| {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            Error::LocalCluster(format!(
                "{e}; server log ({}): {}",
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ))
        })
    }

    /// Whether the server of this data folder is running.
    pub fn is_running(&self) -> bool {
        if !self.is_initialized() {
            return false;
        }
        let data = self.data_dir();
        self.run("pg_ctl", &["-D", &data.to_string_lossy(), "status"])
            .is_ok_and(|o| o.status.success())
    }

    /// Stops the server (fast shutdown).
    pub fn stop(&self) -> Result<(), Error> {
        let data = self.data_dir();
        let output = self.run(
            "pg_ctl",
            &["-D", &data.to_string_lossy(), "-m", "fast", "-w", "stop"],
        )?;
        check_output("pg_ctl stop", output)
    }

    /// Writes `contents` to `name` in the data folder, owned by the server's user, with
    /// `mode` permissions (a private key needs 0o600).
    pub fn write_data_file(&self, name: &str, contents: &[u8], mode: u32) -> Result<(), Error> {
        use std::os::unix::fs::PermissionsExt;
        let path = self.data_dir().join(name);
        std::fs::write(&path, contents).map_err(|e| io_error("write", &path, e))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_error("chmod", &path, e))?;
        self.hand_over(&path)
    }

    /// Runs a server binary, as the `postgres` user when pgbake runs as root.
    fn run(&self, program: &str, args: &[&str]) -> Result<Output, Error> {
        let binary = self.bin_dir.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&binary);
                c
            }
            None => Command::new(&binary),
        };
        if self.run_as.is_some() {
            // The server's user may not reach the current folder (a project under /root).
            command.current_dir("/");
        }
        command
            .args(args)
            .stdin(Stdio::null())
            .env("LC_ALL", "C")
            .output()
            .map_err(|e| Error::LocalCluster(format!("cannot run {}: {e}", binary.display())))
    }

    /// Whether the server's user can reach `path` (every folder above it searchable).
    pub fn reachable_by_server_user(&self, path: &Path) -> bool {
        let Some(user) = &self.run_as else {
            return true;
        };
        Command::new("runuser")
            .args(["-u", user, "--", "test", "-x"])
            .arg(path)
            .current_dir("/")
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Gives `path` to the `postgres` user when running as root.
    pub fn hand_over(&self, path: &Path) -> Result<(), Error> {
        let Some(user) = &self.run_as else {
            return Ok(());
        };
        let (uid, gid) = user_ids(user)?;
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(|e| io_error("chown", path, e))
    }
}

/// Finds the PostgreSQL server binaries: `pg_config --bindir`, then `PATH`, then the
/// newest `/usr/lib/postgresql/*/bin`. Never downloads anything.
pub fn find_bin_dir() -> Result<PathBuf, Error> {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
                return Ok(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        Error::LocalCluster(
            "no PostgreSQL server binaries found (looked at `pg_config --bindir`, PATH and /usr/lib/postgresql/*/bin); \
             install the server (Debian: `apt-get install postgresql`) or set DATABASE_URL to an existing server"
                .into(),
        )
    })
}

/// A TCP port on 127.0.0.1 that is free right now.
pub fn free_port() -> Result<u16, Error> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Error::LocalCluster(format!("cannot find a free TCP port: {e}")))
}

/// Whether this process runs as root (`initdb` refuses root).
pub fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn user_ids(user: &str) -> Result<(u32, u32), Error> {
    let id = |flag: &str| -> Result<u32, Error> {
        let output = Command::new("id")
            .args([flag, user])
            .output()
            .map_err(|e| Error::LocalCluster(format!("cannot run `id`: {e}")))?;
        String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|_| {
            Error::LocalCluster(format!(
                "running as root, but there is no `{user}` system user to run the server as; create it (`useradd -r {user}`) or run as another user"
            ))
        })
    };
    Ok((id("-u")?, id("-g")?))
}

fn check_output(what: &str, output: Output) -> Result<(), Error> {
    if output.status.success() {
        return Ok(());
    }
    Err(Error::LocalCluster(format!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim(),
        String::from_utf8_lossy(&output.stdout).trim()
    )))
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> Error {
    Error::LocalCluster(format!("cannot {action} {}: {error}", path.display()))
}
