//! TLS: a server with a CA generated here; verify-full succeeds with the CA, fails clearly
//! for a wrong host name and without the CA.

use pgbake::Config;
use pgbake::testing::{TestDatabase, server};

use crate::temp_dir;

#[tokio::test]
async fn verify_full_checks_the_chain_and_the_host_name() {
    let db = TestDatabase::new().await.unwrap();
    let (ca_pem, server_pem, server_key_pem) = crate::servers::test_certificates();
    if !server()
        .unwrap()
        .enable_ssl(&server_pem, &server_key_pem)
        .await
        .unwrap()
    {
        eprintln!("skipped: needs the throwaway cluster (DATABASE_URL is set)");
        return;
    }
    let dir = temp_dir("tls");
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let port = db.config.pg_config().get_ports()[0];
    let url = |host: &str, mode: &str, ca: bool| {
        let root = if ca {
            format!("&sslrootcert={}", ca_file.display())
        } else {
            String::new()
        };
        format!(
            "postgres://postgres@{host}:{port}/{}?sslmode={mode}{root}",
            db.name
        )
    };

    // The certificate names localhost: verify-full with the CA connects, and really uses TLS.
    let pool = pgbake::connect(&Config::new(&url("localhost", "verify-full", true)).unwrap())
        .await
        .unwrap();
    let client = pool.get().await.unwrap();
    let ssl: bool = crate::value(
        &client,
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    )
    .await;
    assert!(ssl, "the connection is not encrypted");

    // 127.0.0.1 is not in the certificate: verify-full refuses, verify-ca accepts.
    let error = pgbake::connect(
        &Config::new(&url("127.0.0.1", "verify-full", true))
            .unwrap()
            .connect_retries(0),
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("does not name the host"),
        "{error}"
    );
    pgbake::connect(&Config::new(&url("127.0.0.1", "verify-ca", true)).unwrap())
        .await
        .unwrap();

    // Without the CA: a configuration error that says what to add.
    let error = pgbake::connect(&Config::new(&url("localhost", "verify-full", false)).unwrap())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("sslrootcert"), "{error}");

    // With another CA: the chain does not verify.
    let (other_ca_pem, _, _) = crate::servers::test_certificates();
    let other_file = dir.join("other.pem");
    std::fs::write(&other_file, &other_ca_pem).unwrap();
    let wrong_ca = format!(
        "postgres://postgres@localhost:{port}/{}?sslmode=verify-full&sslrootcert={}",
        db.name,
        other_file.display()
    );
    let error = pgbake::connect(&Config::new(&wrong_ca).unwrap().connect_retries(0))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("not signed by the CA in sslrootcert"),
        "{error}"
    );

    // require encrypts without verifying when there is no root certificate…
    pgbake::connect(&Config::new(&url("127.0.0.1", "require", false)).unwrap())
        .await
        .unwrap();
    // …and verifies the chain (not the host name) when there is one, as libpq does: from
    // sslrootcert,
    pgbake::connect(&Config::new(&url("127.0.0.1", "require", true)).unwrap())
        .await
        .unwrap();
    let other_ca = format!(
        "postgres://postgres@127.0.0.1:{port}/{}?sslmode=require&sslrootcert={}",
        db.name,
        other_file.display()
    );
    let error = pgbake::connect(&Config::new(&other_ca).unwrap().connect_retries(0))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not signed by the CA"),
        "{error}"
    );
    // or from ~/.postgresql/root.crt (checked through the command, which has a HOME of its own).
    let plain_require = format!(
        "postgres://postgres@127.0.0.1:{port}/{}?sslmode=require",
        db.name
    );
    let home_with = |ca: &str| {
        let home = temp_dir("tls-home");
        std::fs::create_dir(home.join(".postgresql")).unwrap();
        std::fs::write(home.join(".postgresql/root.crt"), ca).unwrap();
        home
    };
    for (ca, works) in [(&ca_pem, true), (&other_ca_pem, false)] {
        let home = home_with(ca);
        let env = [
            ("DATABASE_URL", plain_require.as_str()),
            ("HOME", home.to_str().unwrap()),
            ("DB_CONNECT_RETRIES", "0"),
        ];
        let health = crate::pgbake(&["health"], &env);
        assert_eq!(
            health.status.success(),
            works,
            "root.crt of {}: {}{}",
            if works {
                "the server's CA"
            } else {
                "another CA"
            },
            crate::text(&health.stdout),
            crate::text(&health.stderr)
        );
        if !works {
            assert!(
                crate::text(&health.stderr).contains("not signed by the CA"),
                "{}",
                crate::text(&health.stderr)
            );
        }
        let _ = std::fs::remove_dir_all(home);
    }
    let _ = std::fs::remove_dir_all(dir);
}
