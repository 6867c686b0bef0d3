//! Runs libpq programs (`pg_dump`, `pg_restore`, `psql`) against exactly the server pgbake
//! resolved: a complete conninfo (host, port, database, user, TLS, timeout), the `PG*`
//! variables cleared so nothing is filled in from the environment, and the password in a
//! private passfile, never on the command line.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;
use std::process::Command;

use crate::{Config, Error, SslMode};

/// A command for a libpq program, and the passfile it reads (deleted when this is dropped,
/// so keep it alive until the child has exited).
#[derive(Debug)]
pub struct LibpqCommand {
    /// The command, with `--dbname=<conninfo>` and a cleaned environment; add your arguments.
    pub command: Command,
    _passfile: Option<PassFile>,
}

#[derive(Debug)]
struct PassFile {
    dir: PathBuf,
}

impl Drop for PassFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `program` (from the PostgreSQL binaries pgbake finds) connecting to `config`'s database.
pub fn libpq_command(config: &Config, program: &str) -> Result<LibpqCommand, Error> {
    let binary = crate::cluster::find_bin_dir()?.join(program);
    let mut command = bare_command(&binary);
    command.arg(format!("--dbname={}", conninfo(config)));
    let passfile = match config.pg.get_password() {
        Some(password) => {
            let passfile = write_passfile(password)?;
            command.env("PGPASSFILE", passfile.dir.join("pgpass"));
            Some(passfile)
        }
        None => None,
    };
    Ok(LibpqCommand {
        command,
        _passfile: passfile,
    })
}

/// `binary` with every `PG*` variable removed from its environment (for runs that do not
/// connect, e.g. `pg_restore --list`).
pub fn bare_command(binary: &std::path::Path) -> Command {
    let mut command = Command::new(binary);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PG") {
            command.env_remove(&name);
        }
    }
    command
}

/// The libpq conninfo for `config`: every setting spelled out, without the password.
pub fn conninfo(config: &Config) -> String {
    use tokio_postgres::config::Host;
    let pg = &config.pg;
    let hosts: Vec<String> = pg
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = match pg.get_ports() {
        [] => vec!["5432".to_string()],
        ports => ports.iter().map(u16::to_string).collect(),
    };
    let mut pairs: Vec<(&str, String)> = vec![
        ("host", hosts.join(",")),
        ("port", ports.join(",")),
        ("dbname", config.database().to_string()),
    ];
    if let Some(user) = pg.get_user() {
        pairs.push(("user", user.to_string()));
    }
    pairs.push(("sslmode", config.ssl_mode.as_str().to_string()));
    let verifies = matches!(
        config.ssl_mode,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull
    );
    if verifies && let Some(root) = crate::tls::root_cert_file(config) {
        pairs.push(("sslrootcert", root));
    }
    // libpq waits whole seconds, at least 2.
    let timeout = config.connect_timeout.as_secs_f64().ceil().max(2.0) as u64;
    pairs.push(("connect_timeout", timeout.to_string()));
    if let Some(name) = pg.get_application_name() {
        pairs.push(("application_name", name.to_string()));
    }
    if let Some(options) = pg.get_options() {
        pairs.push(("options", options.to_string()));
    }
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", quote_value(value)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A conninfo value in single quotes, with `\` and `'` escaped.
fn quote_value(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A passfile (`*:*:*:*:password`, 0600) in a fresh 0700 folder of the temp folder.
fn write_passfile(password: &[u8]) -> Result<PassFile, Error> {
    let dir = std::env::temp_dir().join(format!(
        "pgbake-pass-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let failed = |e: std::io::Error| {
        Error::LocalCluster(format!(
            "cannot write a passfile for pg_dump/psql in {}: {e}",
            dir.display()
        ))
    };
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(failed)?;
    let passfile = PassFile { dir: dir.clone() };
    let mut escaped = Vec::with_capacity(password.len() + 10);
    escaped.extend_from_slice(b"*:*:*:*:");
    for &byte in password {
        if byte == b'\\' || byte == b':' {
            escaped.push(b'\\');
        }
        escaped.push(byte);
    }
    escaped.push(b'\n');
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dir.join("pgpass"))
        .map_err(failed)?;
    file.write_all(&escaped).map_err(failed)?;
    Ok(passfile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conninfo_spells_out_everything_but_the_password() {
        let config = Config::new(
            "postgres://app:s3cret@db.example:6543/shop?sslmode=verify-full&sslrootcert=/ca.pem",
        )
        .unwrap();
        let info = conninfo(&config);
        assert_eq!(
            info,
            "host='db.example' port='6543' dbname='shop' user='app' sslmode='verify-full' \
             sslrootcert='/ca.pem' connect_timeout='10' application_name='pgbake'"
        );
        let defaults = conninfo(&Config::new("postgres://o'brien@h").unwrap());
        assert!(defaults.contains("port='5432'"), "{defaults}");
        assert!(defaults.contains("dbname='o\\'brien'"), "{defaults}");
        assert!(!info.contains("s3cret"));
    }
}
