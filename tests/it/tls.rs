//! TLS: a server with a CA generated here; verify-full succeeds with the CA, fails clearly
//! for a wrong host name and without the CA.

use pgbake::Config;
use pgbake::testing::{TestDatabase, server};

use crate::temp_dir;

#[tokio::test]
async fn verify_full_checks_the_chain_and_the_host_name() {
    let db = TestDatabase::new().await.unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "pgbake test CA");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();
    if !server()
        .unwrap()
        .enable_ssl(&server_cert.pem(), &server_key.serialize_pem())
        .await
        .unwrap()
    {
        eprintln!("skipped: needs the throwaway cluster (DATABASE_URL is set)");
        return;
    }
    let dir = temp_dir("tls");
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
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
    let mut other_params = ca_params.clone();
    other_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "some other CA");
    let other_key = rcgen::KeyPair::generate().unwrap();
    let other_ca = other_params.self_signed(&other_key).unwrap();
    let other_file = dir.join("other.pem");
    std::fs::write(&other_file, other_ca.pem()).unwrap();
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

    // require encrypts without verifying.
    pgbake::connect(&Config::new(&url("127.0.0.1", "require", false)).unwrap())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
