//! The local development server lets no one in without its password, and works from a
//! project folder the server's user cannot reach.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::{pgbake_in, reference_project, text};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Stops the server and deletes the project folder and the cluster, even on failure.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        pgbake_in(Some(&self.0), &["dev", "stop"], &[]);
        if let Ok(root) = std::fs::read_to_string(self.0.join(".pgbake/cluster-root")) {
            let _ = std::fs::remove_dir_all(root.trim());
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn the_dev_server_requires_its_password_even_from_a_private_folder() {
    let dir = reference_project("dev-private");
    // A folder only its owner enters (a clone under /root, a `mktemp -d` folder).
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let _cleanup = Cleanup(dir.clone());
    let migrate = pgbake_in(Some(&dir), &["migrate"], &[]);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(text(&migrate.stdout).contains("applied V1__foundation"));

    let status = pgbake_in(Some(&dir), &["dev", "status"], &[]);
    let stdout = text(&status.stdout);
    assert!(status.status.success(), "{stdout}{}", text(&status.stderr));
    let url = stdout
        .lines()
        .find_map(|l| l.strip_prefix("DATABASE_URL="))
        .unwrap_or_else(|| panic!("no URL in:\n{stdout}"))
        .to_string();
    let client = pgbake::testing::connect(&url).await.unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);

    // Without the password, or with another one: refused.
    let (before, after) = url.split_once('@').unwrap();
    let user_only = before.rsplit_once(':').unwrap().0;
    for wrong in [
        format!("{user_only}@{after}"),
        format!("{user_only}:guess@{after}"),
    ] {
        let config = pgbake::Config::new(&wrong).unwrap().connect_retries(0);
        // The server asks for a password: none is "password missing", a wrong one 28P01.
        let error = pgbake::connect_direct(&config).await.unwrap_err();
        let refused =
            error.sqlstate() == Some("28P01") || error.to_string().contains("password missing");
        assert!(refused, "{error}");
    }

    let state = dir.join(".pgbake");
    assert_eq!(mode(&state.join("password")), 0o600);
    let root = std::fs::read_to_string(state.join("cluster-root"))
        .map(|r| PathBuf::from(r.trim()))
        .unwrap_or(state.clone());
    assert_eq!(
        mode(&root.join("run")),
        0o700,
        "the socket folder is open to others"
    );
    let hba = std::fs::read_to_string(root.join("data/pg_hba.conf")).unwrap();
    assert!(
        !hba.lines()
            .any(|l| !l.starts_with('#') && l.contains("trust")),
        "{hba}"
    );

    // pg_dump, psql and pg_restore log in with the password through a private passfile, never
    // on their command line (which every local user sees in `ps`) nor in PGPASSWORD.
    let password = before.rsplit_once(':').unwrap().1.to_string();
    let (shims, record) = recording_libpq_programs(&dir);
    let path = format!("{}:{}", shims.display(), std::env::var("PATH").unwrap());
    let env = [("DATABASE_URL", url.as_str()), ("PATH", path.as_str())];
    let backups = dir.join("backups");
    for args in [
        vec!["backup", backups.to_str().unwrap()],
        vec!["backup", backups.to_str().unwrap(), "--format", "custom"],
    ] {
        let output = pgbake_in(Some(&dir), &args, &env);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        let output = pgbake_in(
            Some(&dir),
            &["restore", file.to_str().unwrap(), "--yes", "--clean"],
            &env,
        );
        assert!(
            output.status.success(),
            "{file:?}: {}",
            text(&output.stderr)
        );
    }
    let runs = std::fs::read_to_string(&record).unwrap();
    for program in ["pg_dump", "psql", "pg_restore"] {
        assert!(
            runs.contains(&format!("run {program} ")),
            "{program} never ran:\n{runs}"
        );
    }
    assert!(
        !runs.contains(&password),
        "the password reached a command line or PGPASSWORD:\n{runs}"
    );
    assert!(runs.contains("PGPASSFILE=/"), "{runs}");
}

/// A folder of stand-ins for `pg_dump`, `psql` and `pg_restore` (found first through
/// `pg_config`) that append their arguments and `PG*` environment to a file, then run the
/// real program; the server programs are linked to the real ones.
fn recording_libpq_programs(project: &Path) -> (PathBuf, PathBuf) {
    // Resolved before the stand-ins exist: the real programs.
    let real = pgbake::cluster::find_bin_dir().unwrap();
    let shims = project.join("shims");
    let record = project.join("programs.log");
    std::fs::create_dir(&shims).unwrap();
    let executable = |name: &str, body: String| {
        let path = shims.join(name);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    executable(
        "pg_config",
        format!("#!/bin/sh\necho {}\n", shims.display()),
    );
    for program in ["pg_dump", "psql", "pg_restore"] {
        executable(
            program,
            format!(
                "#!/bin/sh\n{{ echo \"run {program} $*\"; env | grep '^PG'; }} >> {}\nexec {}/{program} \"$@\"\n",
                record.display(),
                real.display()
            ),
        );
    }
    for entry in std::fs::read_dir(&real).unwrap() {
        let entry = entry.unwrap();
        let target = shims.join(entry.file_name());
        if !target.exists() {
            std::os::unix::fs::symlink(entry.path(), target).unwrap();
        }
    }
    (shims, record)
}
