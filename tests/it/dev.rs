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
}
