//! TLS towards an `https://` upstream: the system's roots (as the subscriber uses them), plus an
//! extra CA file, or no checks when asked; ALPN offers HTTP/2 and HTTP/1.1.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::crypto::{
    aws_lc_rs, verify_tls12_signature, verify_tls13_signature, CryptoProvider,
};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::error::TapError;

/// ALPN names, HTTP/2 first.
pub(crate) const H2: &[u8] = b"h2";
pub(crate) const HTTP11: &[u8] = b"http/1.1";

/// Two client configurations: one offering h2 and http/1.1, one offering http/1.1 only (for
/// WebSocket upgrades, which HTTP/2 carries differently).
#[derive(Clone)]
pub(crate) struct UpstreamTls {
    pub(crate) any: Arc<ClientConfig>,
    pub(crate) http1_only: Arc<ClientConfig>,
}

impl UpstreamTls {
    pub(crate) fn new(extra_ca: Option<&Path>, insecure: bool) -> Result<Self, TapError> {
        let provider = Arc::new(aws_lc_rs::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TapError::Tls(e.to_string()))?;
        let mut config = if insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
                .with_no_client_auth()
        } else {
            let extra = match extra_ca {
                Some(path) => read_ca_file(path)?,
                None => Vec::new(),
            };
            let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
                .map_err(|e| TapError::Tls(format!("the system's certificate roots: {e}")))?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier)).with_no_client_auth()
        };
        let mut http1_only = config.clone();
        http1_only.alpn_protocols = vec![HTTP11.to_vec()];
        config.alpn_protocols = vec![H2.to_vec(), HTTP11.to_vec()];
        Ok(Self { any: Arc::new(config), http1_only: Arc::new(http1_only) })
    }

    pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>, String> {
        ServerName::try_from(host.to_owned()).map_err(|e| format!("`{host}` is not a TLS server name: {e}"))
    }
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TapError> {
    let failed = |reason: String| TapError::Tls(format!("CA file {}: {reason}", path.display()));
    let pem = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| failed(e.to_string()))?;
    if certs.is_empty() {
        return Err(failed("no PEM certificate in it".into()));
    }
    Ok(certs)
}

/// `--insecure`: any certificate for any name is accepted; signatures are still checked, so
/// the handshake is real TLS, only unauthenticated.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, tokio_rustls::rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
