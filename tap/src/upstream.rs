//! One upstream connection per exchange: TCP (with TCP_NODELAY), TLS for `https://` with ALPN
//! choosing HTTP/2 or HTTP/1.1, and the request sent on it.

use hyper::body::Incoming;
use hyper::header::HOST;
use hyper::{Request, Response, Uri, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::body::{error_chain, TappedRequest};
use crate::config::TapConfig;
use crate::error::TapError;
use crate::tls::{UpstreamTls, H2};

/// Where requests go, and how to reach it.
pub(crate) struct Upstream {
    tls: Option<UpstreamTls>,
}

impl Upstream {
    pub(crate) fn new(config: &TapConfig) -> Result<Self, TapError> {
        let tls = if config.upstream.scheme() == "https" {
            Some(UpstreamTls::new(config.extra_ca.as_deref(), config.insecure)?)
        } else {
            None
        };
        Ok(Self { tls })
    }

    /// Connects and sends `request` (origin-form target, `Host` set); `http1_only` for an
    /// upgrade. The response head, and the HTTP version spoken.
    pub(crate) async fn send(
        &self,
        config: &TapConfig,
        request: Request<TappedRequest>,
        http1_only: bool,
    ) -> Result<(Response<Incoming>, Version), String> {
        let (host, port) = config.connect_to();
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        let Some(tls) = &self.tls else {
            return send_http1(tcp, request).await.map(|r| (r, Version::HTTP_11));
        };
        let client_config = if http1_only { tls.http1_only.clone() } else { tls.any.clone() };
        let name = UpstreamTls::server_name(&host)?;
        let stream = TlsConnector::from(client_config)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {host}:{port} failed: {}", error_chain(&e)))?;
        if stream.get_ref().1.alpn_protocol() == Some(H2) {
            send_http2(stream, request, config).await.map(|r| (r, Version::HTTP_2))
        } else {
            send_http1(stream, request).await.map(|r| (r, Version::HTTP_11))
        }
    }
}

async fn send_http1<S>(io: S, request: Request<TappedRequest>) -> Result<Response<Incoming>, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .preserve_header_case(true)
        .handshake(TokioIo::new(io))
        .await
        .map_err(|e| error_chain(&e))?;
    // Driven until the body is done (or the client goes, dropping it); upgrades carry on.
    tokio::spawn(async move {
        if let Err(error) = connection.with_upgrades().await {
            tracing::debug!(error = %error_chain(&error), "upstream connection ended");
        }
    });
    sender.send_request(request).await.map_err(|e| error_chain(&e))
}

/// HTTP/2 names the target by `:scheme` and `:authority`, not `Host`: the request gets an
/// absolute URI with the host it would have sent.
async fn send_http2<S>(
    io: S,
    mut request: Request<TappedRequest>,
    config: &TapConfig,
) -> Result<Response<Incoming>, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let authority = request
        .headers_mut()
        .remove(HOST)
        .and_then(|host| host.to_str().ok().map(str::to_owned))
        .unwrap_or_else(|| config.authority());
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    *request.uri_mut() = format!("https://{authority}{target}")
        .parse::<Uri>()
        .map_err(|e| format!("`{authority}` cannot be an HTTP/2 authority: {e}"))?;
    *request.version_mut() = Version::HTTP_2;
    let (mut sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(io))
        .await
        .map_err(|e| error_chain(&e))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(error = %error_chain(&error), "upstream HTTP/2 connection ended");
        }
    });
    sender.send_request(request).await.map_err(|e| error_chain(&e))
}
