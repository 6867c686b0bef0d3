//! TLS with rustls for the URL's `sslmode` and `sslrootcert`, as libpq reads them, and the
//! one routine that opens every connection pgbake makes (pooled, direct, CLI, library).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::{Config, Error, SslMode};

/// Opens connections for one [`Config`] following libpq's `sslmode` rules: `disable` never
/// uses TLS, `allow` tries without TLS and retries with TLS when the server refuses,
/// `prefer` uses TLS when the server offers it, `require` and `verify-*` only connect
/// over TLS. Used by the pool (as its deadpool `Connect`) and by [`crate::connect_direct`].
#[derive(Clone)]
pub(crate) struct Connector {
    tls: MakeRustlsConnect,
    mode: SslMode,
}

type Connected = (tokio_postgres::Client, tokio::task::JoinHandle<()>);

impl Connector {
    pub(crate) fn new(config: &Config) -> Result<Connector, Error> {
        Ok(Connector {
            tls: connector(config)?,
            mode: config.ssl_mode,
        })
    }

    /// One connection attempt with `pg` (the settings of the config this connector was made for).
    pub(crate) async fn connect(
        &self,
        pg: &tokio_postgres::Config,
    ) -> Result<Connected, tokio_postgres::Error> {
        match pg.connect(self.tls.clone()).await {
            Ok(connected) => Ok(spawn_connection(connected)),
            // `allow`: the server refused the plain connection, so try again with TLS.
            Err(error) if self.mode == SslMode::Allow && error.as_db_error().is_some() => {
                let mut with_tls = pg.clone();
                with_tls.ssl_mode(tokio_postgres::config::SslMode::Require);
                Ok(spawn_connection(with_tls.connect(self.tls.clone()).await?))
            }
            Err(error) => Err(error),
        }
    }
}

fn spawn_connection<S>(
    (client, connection): (
        tokio_postgres::Client,
        tokio_postgres::Connection<tokio_postgres::Socket, S>,
    ),
) -> Connected
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let task = tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "connection closed");
        }
    });
    (client, task)
}

impl deadpool_postgres::Connect for Connector {
    fn connect(
        &self,
        pg: &tokio_postgres::Config,
    ) -> Pin<Box<dyn Future<Output = Result<Connected, tokio_postgres::Error>> + Send + '_>> {
        let pg = pg.clone();
        Box::pin(async move { Connector::connect(self, &pg).await })
    }
}

/// The root certificate file libpq would use: `sslrootcert`, else `~/.postgresql/root.crt`
/// when it exists.
pub(crate) fn root_cert_file(config: &Config) -> Option<String> {
    config.ssl_root_cert.clone().or_else(|| {
        let home = std::env::var_os("HOME")?;
        let default = std::path::Path::new(&home).join(".postgresql/root.crt");
        default
            .exists()
            .then(|| default.to_string_lossy().into_owned())
    })
}

/// The TLS connector for `config`: no verification for `allow`/`prefer`, nor for `require`
/// without a root certificate (libpq's behaviour); chain verification for `verify-ca` and
/// for `require` when a root certificate exists (`sslrootcert` or `~/.postgresql/root.crt`);
/// chain and host name for `verify-full`.
pub fn connector(config: &Config) -> Result<MakeRustlsConnect, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config("sslmode", format!("cannot set up TLS: {e}")))?;
    let root_file = root_cert_file(config);
    let verify = match config.ssl_mode {
        SslMode::VerifyCa | SslMode::VerifyFull => true,
        SslMode::Require => root_file.is_some(),
        SslMode::Disable | SslMode::Allow | SslMode::Prefer => false,
    };
    let client = if verify {
        let Some(root_file) = root_file else {
            return Err(Error::config(
                "sslrootcert",
                "sslmode=verify-ca/verify-full needs the CA certificate: add sslrootcert=/path/to/ca.pem to the URL \
                 (or put it at ~/.postgresql/root.crt)",
            ));
        };
        let roots = load_roots(&root_file)?;
        let webpki =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| {
                    Error::config("sslrootcert", format!("cannot use {root_file}: {e}"))
                })?;
        let verifier: Arc<dyn ServerCertVerifier> = if config.ssl_mode == SslMode::VerifyFull {
            webpki
        } else {
            Arc::new(ChainOnly { inner: webpki })
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification { provider }))
            .with_no_client_auth()
    };
    Ok(MakeRustlsConnect::new(client))
}

fn load_roots(path: &str) -> Result<RootCertStore, Error> {
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| {
            Error::config(
                "sslrootcert",
                format!("cannot read CA certificates from {path}: {e}"),
            )
        })?;
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        return Err(Error::config(
            "sslrootcert",
            format!(
                "{path} holds no usable CA certificate (expected PEM `BEGIN CERTIFICATE` blocks)"
            ),
        ));
    }
    Ok(roots)
}

/// `verify-ca`: the chain must lead to a trusted CA; the host name is not checked.
#[derive(Debug)]
struct ChainOnly {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `allow`, `prefer` and `require` without a CA: encrypted, not authenticated (as libpq does).
#[derive(Debug)]
struct NoVerification {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
