//! The server against requests a web page or another machine could make: DNS rebinding (a
//! foreign `Host` while bound to loopback), cross-origin publishing, and publishing over the
//! network without the token.

mod support;

use std::time::Duration;

use embedded_server::{Server, ServerConfig};
use support::{quiet_config, spawn_app};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// Sends a raw request and returns the whole response (the connection is closed after it).
async fn exchange(port: u16, request: &str) -> String {
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_millis(500), socket.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

fn publish(host: &str, extra: &str) -> String {
    let body = r#"{"data":"x"}"#;
    format!(
        "POST /streams/messages/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{extra}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// While bound to loopback, a request naming a foreign host is refused with the reason, on
/// every route and on the streaming path; loopback names are served.
#[tokio::test]
async fn foreign_host_names_are_refused_on_loopback() {
    let app = spawn_app(quiet_config()).await;
    let port = app.addr.port();
    for path in ["/streams", "/events?stream=messages", "/"] {
        let refused = exchange(port, &get(path, "rebound.example:80")).await;
        assert!(refused.starts_with("HTTP/1.1 403"), "{path}: {refused}");
        assert!(refused.contains("DNS-rebinding"), "{path}: {refused}");
    }
    let refused = exchange(port, &publish("rebound.example", "")).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), "[::1]".to_owned()] {
        let served = exchange(port, &get("/streams", &host)).await;
        assert!(served.starts_with("HTTP/1.1 200"), "{host}: {served}");
    }
    app.stop().await;
}

/// Publishing answers CORS preflights from the app's own webview only.
#[tokio::test]
async fn only_the_app_origin_may_publish_from_a_browser() {
    let app = spawn_app(quiet_config()).await;
    let port = app.addr.port();
    let preflight = |origin: &str| {
        format!(
            "OPTIONS /streams/messages/events HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\
             Connection: close\r\n\r\n"
        )
    };
    let app_origin = exchange(port, &preflight("tauri://localhost")).await.to_ascii_lowercase();
    assert!(app_origin.contains("access-control-allow-origin: tauri://localhost"), "{app_origin}");
    let other = exchange(port, &preflight("https://evil.example")).await.to_ascii_lowercase();
    assert!(!other.contains("access-control-allow-origin"), "{other}");
    app.stop().await;
}

/// Bound beyond loopback, publishing is off without `--publish-token`, and needs the token
/// with one; a wrong token is a 401.
#[tokio::test]
async fn publishing_over_the_network_needs_the_token() {
    for token in [None, Some("s3cret".to_owned())] {
        let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = Server::new(ServerConfig { publish_token: token.clone(), ..quiet_config() });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(listener, async {
            let _ = stopped.await;
        }));
        let host = format!("127.0.0.1:{port}");
        let anonymous = exchange(port, &publish(&host, "")).await;
        match &token {
            None => {
                assert!(anonymous.starts_with("HTTP/1.1 403"), "{anonymous}");
                assert!(anonymous.contains("--publish-token"), "{anonymous}");
            }
            Some(token) => {
                assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
                let wrong = exchange(port, &publish(&host, "Authorization: Bearer nope\r\n")).await;
                assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
                let right =
                    exchange(port, &publish(&host, &format!("Authorization: Bearer {token}\r\n"))).await;
                assert!(right.starts_with("HTTP/1.1 201"), "{right}");
            }
        }
        // Reading stays open to all, with any Host: the server was told to face the network.
        let read = exchange(port, &get("/streams", "server.example")).await;
        assert!(read.starts_with("HTTP/1.1 200"), "{read}");
        let _ = stop.send(());
        task.await.unwrap().unwrap();
    }
}
