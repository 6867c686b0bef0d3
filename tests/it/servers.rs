//! Servers of a test's own (TLS only, a fixed address, a second server) and a CA for them.

use pgbake::cluster::{LocalCluster, free_port};

use crate::temp_dir;

/// A cluster only this test uses; stopped and deleted on drop.
pub struct OwnCluster {
    pub cluster: LocalCluster,
}

impl OwnCluster {
    /// A trust-authentication cluster on 127.0.0.1 and a free port.
    pub fn start(label: &str) -> OwnCluster {
        Self::start_at(label, "127.0.0.1", free_port().unwrap(), |_| {})
    }

    /// A cluster on `address:port`, with `configure` run between initdb and start.
    pub fn start_at(
        label: &str,
        address: &str,
        port: u16,
        configure: impl FnOnce(&LocalCluster),
    ) -> OwnCluster {
        let mut cluster = LocalCluster::new(temp_dir(label), port).unwrap();
        cluster.fsync_off = true;
        cluster.listen_address = address.to_string();
        cluster.init().unwrap();
        configure(&cluster);
        let own = OwnCluster { cluster };
        own.cluster.start().unwrap();
        own
    }

    /// Appends settings to postgresql.conf (before the start).
    pub fn append_conf(cluster: &LocalCluster, settings: &str) {
        let path = cluster.data_dir().join("postgresql.conf");
        let current = std::fs::read_to_string(&path).unwrap();
        cluster
            .write_data_file(
                "postgresql.conf",
                format!("{current}\n{settings}\n").as_bytes(),
                0o600,
            )
            .unwrap();
    }

    pub fn url(&self, database: &str) -> String {
        self.cluster.url(database)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.cluster.log_file()).unwrap_or_default()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.cluster.root);
    }
}

/// A CA and a server certificate it signed for `localhost`: (CA PEM, certificate PEM, key PEM).
pub fn test_certificates() -> (String, String, String) {
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
    (ca.pem(), server_cert.pem(), server_key.serialize_pem())
}

/// A server that only accepts TLS over TCP (`hostnossl … reject`, `hostssl … trust`),
/// logging every connection; returns it and the CA file.
pub fn tls_only_server(label: &str) -> (OwnCluster, std::path::PathBuf) {
    let (ca, certificate, key) = test_certificates();
    let own = OwnCluster::start_at(label, "127.0.0.1", free_port().unwrap(), |cluster| {
        cluster
            .write_data_file("server.crt", certificate.as_bytes(), 0o644)
            .unwrap();
        cluster
            .write_data_file("server.key", key.as_bytes(), 0o600)
            .unwrap();
        OwnCluster::append_conf(
            cluster,
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nlog_connections = on",
        );
        cluster
            .write_data_file(
                "pg_hba.conf",
                b"local all all trust\nhostnossl all all 0.0.0.0/0 reject\nhostssl all all 127.0.0.1/32 trust\n",
                0o600,
            )
            .unwrap();
    });
    let ca_file = own.cluster.root.join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    (own, ca_file)
}
