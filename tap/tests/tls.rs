//! The tap towards `https://` upstreams: a local hyper server with a test CA's certificate,
//! speaking HTTP/2 or HTTP/1.1 as ALPN decides; `--cacert`, `--insecure`, and a certificate
//! nobody vouches for (502).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use sse_tap::{Ending, TapConfig};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

mod common;
use common::{ended, exchange, split_head, start_tap};

const BODY: &str = "id: 1\ndata: secure\n\nid: 2\ndata: again\n\n";

struct TlsUpstream {
    addr: SocketAddr,
    /// The CA (here the self-signed certificate itself) as a PEM file.
    ca_file: PathBuf,
}

/// An HTTPS server for `localhost` offering `alpn`; each request is answered with an SSE
/// body naming the HTTP version and authority it saw in a header.
async fn tls_upstream(alpn: &[&[u8]]) -> TlsUpstream {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let mut config = ServerConfig::builder().with_no_client_auth().with_single_cert(vec![cert], key).unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let h2 = alpn.first() == Some(&b"h2".as_slice());
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let ca_file =
        std::env::temp_dir().join(format!("sse-tap-test-ca-{}-{}.pem", std::process::id(), addr.port()));
    std::fs::write(&ca_file, certified.cert.pem()).unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(socket).await else { return };
                let service = service_fn(|request: Request<hyper::body::Incoming>| async move {
                    let authority = request
                        .uri()
                        .authority()
                        .map(|a| a.to_string())
                        .or_else(|| {
                            request.headers().get("host").and_then(|h| h.to_str().ok()).map(str::to_owned)
                        })
                        .unwrap_or_default();
                    let response = Response::builder()
                        .header("content-type", "text/event-stream")
                        .header(
                            "x-seen",
                            format!("{:?} {} {}", request.version(), authority, request.uri().path()),
                        )
                        .body(BODY.to_owned())
                        .unwrap();
                    Ok::<_, std::convert::Infallible>(response)
                });
                let io = TokioIo::new(tls);
                if h2 {
                    let _ = http2::Builder::new(TokioExecutor::new()).serve_connection(io, service).await;
                } else {
                    let _ = http1::Builder::new().serve_connection(io, service).await;
                }
            });
        }
    });
    TlsUpstream { addr, ca_file }
}

fn config(upstream: &TlsUpstream) -> TapConfig {
    TapConfig::new(&format!("https://localhost:{}/v1", upstream.addr.port())).unwrap()
}

const GET: &str = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

/// Over HTTP/2 (ALPN h2) with the test CA: the client gets HTTP/1.1 with the stream's bytes,
/// upstream saw HTTP/2 with the upstream's authority and the joined path, and the record
/// says HTTP/2 and holds both events.
#[tokio::test]
async fn an_https_upstream_over_http2_with_an_extra_ca() {
    let upstream = tls_upstream(&[b"h2", b"http/1.1"]).await;
    let mut config = config(&upstream);
    config.extra_ca = Some(upstream.ca_file.clone());
    let (tap, recorder, _stop) = start_tap(config).await;
    let (head, body) = split_head(&exchange(tap, GET).await);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let expected_seen = format!("x-seen: HTTP/2.0 localhost:{} /v1/events", upstream.addr.port());
    assert!(head.contains(&expected_seen), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("data: secure") && body.contains("data: again"), "{body}");
    let record = ended(&recorder).await;
    assert_eq!(record.upstream_version.as_deref(), Some("HTTP/2.0"));
    assert_eq!(record.events.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(), ["secure", "again"]);
    assert_eq!(record.ending, Some(Ending::Completed));
}

/// An upstream that offers only HTTP/1.1 is spoken to in HTTP/1.1, and `--insecure` accepts
/// its certificate without the CA.
#[tokio::test]
async fn an_https_upstream_over_http1_with_insecure() {
    let upstream = tls_upstream(&[b"http/1.1"]).await;
    let mut config = config(&upstream);
    config.insecure = true;
    let (tap, recorder, _stop) = start_tap(config).await;
    let (head, _) = split_head(&exchange(tap, GET).await);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("x-seen: HTTP/1.1 localhost"), "{head}");
    assert_eq!(ended(&recorder).await.upstream_version.as_deref(), Some("HTTP/1.1"));
}

/// A certificate the system's roots do not vouch for is a 502 naming the TLS failure, in the
/// body and in the record; nothing is forwarded in the clear.
#[tokio::test]
async fn an_untrusted_certificate_is_a_502_with_the_reason() {
    let upstream = tls_upstream(&[b"h2", b"http/1.1"]).await;
    let (tap, recorder, _stop) = start_tap(config(&upstream)).await;
    let response = String::from_utf8(exchange(tap, GET).await).unwrap();
    assert!(response.starts_with("HTTP/1.1 502"), "{response}");
    assert!(response.contains("TLS") && response.to_lowercase().contains("certificate"), "{response}");
    match ended(&recorder).await.ending {
        Some(Ending::UpstreamError { reason }) => assert!(reason.contains("TLS"), "{reason}"),
        other => panic!("ended {other:?}"),
    }
}

/// A CA file that is not PEM is refused when the tap is made, naming the file.
#[tokio::test]
async fn a_bad_ca_file_is_refused_up_front() {
    let file = std::env::temp_dir().join(format!("sse-tap-not-a-ca-{}.pem", std::process::id()));
    std::fs::write(&file, "not a certificate").unwrap();
    let mut config = TapConfig::new("https://localhost:1/").unwrap();
    config.extra_ca = Some(file.clone());
    let error = sse_tap::Tap::new(config).err().expect("refused").to_string();
    assert!(error.contains(&file.display().to_string()) && error.contains("no PEM certificate"), "{error}");
}
