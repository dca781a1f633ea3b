//! End-to-end tests of the real `sse-monitor` binary, driven through `tauri-driver` and
//! WebKitWebDriver. They need a display (run them under `xvfb-run`, as `scripts/test.sh` does)
//! and `tauri-driver` on PATH or in `~/.cargo/bin`. `SSE_MONITOR_BIN` points them at another
//! build of the app, e.g. the installed package's `/usr/bin/sse-monitor`.

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// A running app under WebDriver; the driver (and with it the app) stops when dropped.
struct App {
    client: Client,
    _driver: Driver,
}

/// The `tauri-driver` process. It stops its WebKitWebDriver (and so the app) on SIGTERM, but
/// not on SIGKILL, so it is asked to stop politely first.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn tauri_driver() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|dir| dir.join("tauri-driver")).find(|p| p.is_file())
    });
    let in_cargo_home = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cargo/bin/tauri-driver"))
        .filter(|p| p.is_file());
    on_path.or(in_cargo_home).expect(
        "tauri-driver not found: install it with `cargo install tauri-driver --locked` \
         (scripts/test.sh does this)",
    )
}

/// The app under test: `SSE_MONITOR_BIN`, or the binary this test was built with.
fn app_binary() -> String {
    std::env::var("SSE_MONITOR_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_sse-monitor").to_owned())
}

async fn spawn_app() -> App {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "GUI tests need a display: run them under xvfb-run (scripts/test.sh does this)"
    );
    let port = free_port();
    let native_port = free_port();
    let driver = Command::new(tauri_driver())
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .map(Driver)
        .expect("start tauri-driver");

    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("wry"));
    capabilities.insert("tauri:options".into(), json!({ "application": app_binary() }));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let client = loop {
        let attempt =
            ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await;
        match attempt {
            Ok(client) => break client,
            // tauri-driver is not listening yet: wait. Any other error is final.
            Err(error @ (NewSessionError::FailedC(_) | NewSessionError::Failed(_)))
                if Instant::now() < deadline =>
            {
                eprintln!("waiting for tauri-driver: {error}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(error) => panic!("cannot start a WebDriver session: {error}"),
        }
    };
    App { client, _driver: driver }
}

impl App {
    /// Runs `script` in the page and returns its result.
    async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("execute script in the webview")
    }

    async fn text(&self, id: &str) -> String {
        let value = self.eval(&format!("return document.getElementById({}).textContent", json!(id))).await;
        value.as_str().unwrap_or_default().to_owned()
    }

    async fn number(&self, id: &str) -> Option<i64> {
        self.text(id).await.trim().parse().ok()
    }

    /// A one-line picture of the page, for failure messages.
    async fn describe(&self) -> String {
        self.eval(
            "return location.href + ' | tauri=' + (typeof window.__TAURI__) + ' | ' + \
             document.body.innerText.replace(/\\s+/g, ' ')",
        )
        .await
        .to_string()
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Both panes receive the counter, both keep advancing, and they stay within 5 values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_feeds_advance_together() {
    eprintln!("driving {}", app_binary());
    let app = spawn_app().await;

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ipc = app.number("ipc-count").await.unwrap_or(0);
        let browser = app.number("es-count").await.unwrap_or(0);
        if ipc >= 5 && browser >= 5 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "feeds did not start within 30 s (ipc {ipc}, browser {browser}): {}",
            app.describe().await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let mut previous = (None, None);
    for round in 0..3 {
        let ipc = app.number("ipc-latest").await;
        let browser = app.number("es-latest").await;
        let (Some(ipc), Some(browser)) = (ipc, browser) else {
            panic!("latest values are not numbers: {}", app.describe().await);
        };
        assert!(
            (ipc - browser).abs() <= 5,
            "feeds are {} values apart (ipc {ipc}, browser {browser})",
            (ipc - browser).abs()
        );
        if let (Some(prev_ipc), Some(prev_browser)) = previous {
            assert!(ipc > prev_ipc, "IPC feed stopped at {ipc} (round {round})");
            assert!(browser > prev_browser, "browser feed stopped at {browser} (round {round})");
        }
        // The embedded server counts both: the Rust subscriber and the webview's EventSource.
        assert_eq!(app.text("subscribers").await, "2 subscribers");
        assert_eq!(app.text("ipc-state").await, "open");
        assert_eq!(app.text("es-state").await, "open");
        previous = (Some(ipc), Some(browser));
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    app.close().await;
}
