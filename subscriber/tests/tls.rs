//! HTTPS with rustls against a local server with a self-signed certificate.

mod support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sse_subscriber::{SubscribeError, SubscribeRequest, Subscription, Update};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

struct TlsServer {
    addr: SocketAddr,
    ca_file: PathBuf,
}

/// An HTTPS SSE server for `localhost` that answers every connection with two events.
async fn spawn_tls() -> TlsServer {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = ServerConfig::builder().with_no_client_auth().with_single_cert(vec![cert], key).unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // One file per server (its port in the name): tests run side by side in one process under
    // `cargo test`, and a shared name let one test's CA overwrite another's.
    let ca_file =
        std::env::temp_dir().join(format!("sse-sub-test-ca-{}-{}.pem", std::process::id(), addr.port()));
    std::fs::write(&ca_file, certified.cert.pem()).unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else { return };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let response =
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n\
                                id: 1\ndata: secure\n\nid: 2\ndata: again\n\n";
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    TlsServer { addr, ca_file }
}

impl TlsServer {
    fn request(&self) -> SubscribeRequest {
        let url = format!("https://localhost:{}/events", self.addr.port());
        SubscribeRequest::new(&url).unwrap().reconnect(false)
    }
}

async fn run(request: SubscribeRequest) -> Result<Vec<String>, SubscribeError> {
    let mut subscription = Subscription::new(request);
    let mut data = Vec::new();
    loop {
        let update =
            tokio::time::timeout(Duration::from_secs(10), subscription.next()).await.expect("in time");
        match update {
            Some(Update::Event(event)) => data.push(event.data),
            Some(Update::Error { error, .. }) => return Err(error),
            Some(Update::Closed { .. }) | None => return Ok(data),
            Some(_) => {}
        }
    }
}

/// An unknown issuer is a TLS error, reported once and not retried.
#[tokio::test]
async fn untrusted_certificates_fail_clearly() {
    let server = spawn_tls().await;
    let mut subscription = Subscription::new(server.request().reconnect(true));
    let mut errors = Vec::new();
    let collect = async {
        while let Some(update) = subscription.next().await {
            if let Update::Error { error, will_retry } = update {
                errors.push((error.to_string(), will_retry));
            }
        }
    };
    let finished = tokio::time::timeout(Duration::from_secs(10), collect).await;
    assert!(finished.is_ok(), "still retrying after 10 s: {errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (message, will_retry) = &errors[0];
    assert!(message.starts_with("TLS setup: https://localhost:"), "{message}");
    assert!(message.contains("UnknownIssuer") || message.contains("certificate"), "{message}");
    assert!(!will_retry);
}

/// An extra CA file makes the server's certificate trusted.
#[tokio::test]
async fn an_extra_ca_file_is_trusted() {
    let server = spawn_tls().await;
    let data = run(server.request().extra_ca_file(&server.ca_file)).await.unwrap();
    assert_eq!(data, ["secure", "again"]);
}

/// The insecure switch accepts any certificate.
#[tokio::test]
async fn insecure_accepts_any_certificate() {
    let server = spawn_tls().await;
    let data = run(server.request().insecure(true)).await.unwrap();
    assert_eq!(data, ["secure", "again"]);
}

/// A CA file that is missing or holds no certificate is a clear TLS setup error.
#[tokio::test]
async fn bad_ca_files_are_reported() {
    let server = spawn_tls().await;
    let missing = run(server.request().extra_ca_file("/nonexistent/ca.pem")).await.unwrap_err();
    assert!(missing.to_string().starts_with("TLS setup: CA file /nonexistent/ca.pem: "), "{missing}");
    let empty = std::env::temp_dir().join(format!("sse-sub-empty-{}.pem", std::process::id()));
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let error = run(server.request().extra_ca_file(&empty)).await.unwrap_err();
    assert!(error.to_string().contains("no PEM certificate"), "{error}");
}

/// `sse-sub --cacert` connects over HTTPS.
#[tokio::test]
async fn sse_sub_cacert() {
    let server = spawn_tls().await;
    let url = format!("https://localhost:{}/events", server.addr.port());
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
        .args(["--no-reconnect", "--json", "--cacert"])
        .arg(&server.ca_file)
        .arg(&url)
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}
