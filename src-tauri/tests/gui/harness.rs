//! The harness of the GUI tests: the app under WebDriver, a remote `sse-server`, and what a
//! test does to the page (read text, type, click, publish, call a command).

use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// A running app under WebDriver; the driver (and with it the app) stops when dropped.
pub(crate) struct App {
    pub(crate) client: Client,
    _driver: Driver,
}

/// The `tauri-driver` process, leading its own process group (WebKitWebDriver and the app are
/// in it). It stops its WebKitWebDriver (and so the app) on SIGTERM, so it is asked politely
/// first; whatever of the group is still running 10 s later is killed, so a test never leaves
/// an app behind (a hung one would keep its ports: seen in CI, the app alive 30 s after).
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = self.0.id();
        let _ = Command::new("kill").args(["-TERM", &group.to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let _ = self.0.try_wait(); // reaps tauri-driver once it exits
            if !group_running(group) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{group}")]).status();
        let _ = self.0.wait();
    }
}

/// An X display of the test's own (Xvfb, 1280x800), for a test whose window must be the active
/// one: WebKit draws focus only in the active window, and the suite runs two apps at a time on
/// one display. Stopped when dropped.
pub(crate) struct OwnDisplay {
    child: Child,
    pub(crate) name: String,
}

impl OwnDisplay {
    pub(crate) fn start() -> OwnDisplay {
        // -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb (the xvfb package)");
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
            let _ = sender.send(line);
        });
        let number =
            receiver.recv_timeout(Duration::from_secs(10)).expect("Xvfb gave its display within 10 s");
        let number = number.trim().parse::<u32>().expect("Xvfb's display number");
        OwnDisplay { child, name: format!(":{number}") }
    }
}

impl Drop for OwnDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether any process of process group `group` is still running (zombies do not count).
fn group_running(group: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.flatten().any(|entry| {
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // After the command's closing parenthesis: state, ppid, pgrp, ...
        let fields: Vec<&str> =
            stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
        fields.len() > 2 && fields[0] != "Z" && fields[2] == group.to_string()
    })
}

pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

pub(crate) fn tauri_driver() -> PathBuf {
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
pub(crate) fn app_binary() -> String {
    std::env::var("SSE_MONITOR_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_sse-monitor").to_owned())
}

/// A separately started `sse-server` acting as the remote server: quiet counter every 100 ms,
/// subscribers must send `X-Token: secret`.
pub(crate) struct RemoteServer {
    child: Child,
    pub(crate) base_url: String,
}

impl Drop for RemoteServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn sse_server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("SSE_SERVER_BIN") {
        return PathBuf::from(bin);
    }
    // target/debug/deps/gui-HASH -> target/debug/sse-server
    let exe = std::env::current_exe().expect("test binary path");
    let bin = exe.parent().and_then(|deps| deps.parent()).map(|dir| dir.join("sse-server"));
    bin.filter(|bin| bin.is_file()).expect(
        "sse-server not built: run `cargo build -p embedded-server` (the workspace test run builds it)",
    )
}

pub(crate) fn spawn_remote_server() -> RemoteServer {
    spawn_remote_server_requiring("X-Token: secret")
}

/// As [`spawn_remote_server`], requiring `header` (`Name: value`) of subscribers instead.
pub(crate) fn spawn_remote_server_requiring(header: &str) -> RemoteServer {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(sse_server_binary())
        .args(["--addr", "127.0.0.1:0", "--require-header", header])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sse-server");
    let stdout = child.stdout.take().expect("sse-server stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read sse-server's first line");
    let base_url = line.trim().strip_prefix("listening on ").expect("`listening on URL`").to_owned();
    RemoteServer { child, base_url }
}

/// A stand-in for someone else's SSE server, on 127.0.0.1: each connection's request head is
/// read, an SSE 200 head with `extra_headers` (each ending in CRLF) is sent, and the socket is
/// handed to `stream`; the URL of its events.
pub(crate) async fn spawn_sse_server<F, Fut>(extra_headers: &'static str, stream: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/events", listener.local_addr().expect("address"));
    let stream = std::sync::Arc::new(stream);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let stream = stream.clone();
            tokio::spawn(async move {
                socket.set_nodelay(true).ok();
                let _ = socket.read(&mut [0u8; 4096]).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n{extra_headers}\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_ok() {
                    stream(socket).await;
                }
            });
        }
    });
    url
}

/// Sends one raw HTTP/1.1 request (it must ask for `Connection: close`); the whole response.
pub(crate) async fn http_exchange(addr: &str, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect to the server");
    socket.write_all(request.as_bytes()).await.expect("send the request");
    let mut response = String::new();
    socket.read_to_string(&mut response).await.expect("read the response");
    response
}

impl RemoteServer {
    pub(crate) fn events_url(&self) -> String {
        format!("{}/events?stream=messages", self.base_url)
    }

    /// The remote's subscriber count on `messages`, from its own `GET /streams`.
    pub(crate) async fn subscribers(&self) -> u64 {
        stream_subscribers(&self.base_url, "messages").await
    }
}

/// Subscribers of `stream` on the sse-server (or the app's embedded one) at `base_url`, from
/// its own `GET /streams`.
pub(crate) async fn stream_subscribers(base_url: &str, stream: &str) -> u64 {
    let addr = base_url.trim_start_matches("http://");
    let response =
        http_exchange(addr, &format!("GET /streams HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"))
            .await;
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("[]");
    let streams: Value = serde_json::from_str(body).expect("JSON stream list");
    streams
        .as_array()
        .and_then(|list| list.iter().find(|s| s["name"] == stream))
        .and_then(|s| s["subscribers"].as_u64())
        .unwrap_or(0)
}

/// A directory of its own for one app's settings, so tests do not see each other's.
pub(crate) fn fresh_config_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sse-monitor-gui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

pub(crate) async fn spawn_app() -> App {
    spawn_app_in(&fresh_config_dir("default"), &[]).await
}

pub(crate) async fn spawn_app_with(args: &[&str]) -> App {
    spawn_app_in(&fresh_config_dir("args"), args).await
}

pub(crate) async fn spawn_app_in(config_dir: &std::path::Path, args: &[&str]) -> App {
    spawn_app_with_env(config_dir, args, &[]).await
}

/// The app with `env` set for it (and tauri-driver, which passes its environment on): a
/// `GTK_THEME` of `Adwaita:dark` gives the page the dark theme, say.
pub(crate) async fn spawn_app_with_env(
    config_dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> App {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "GUI tests need a display: run them under xvfb-run (scripts/test.sh does this)"
    );
    let port = free_port();
    let native_port = free_port();
    let driver = Command::new(tauri_driver())
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .process_group(0)
        .env("SSE_MONITOR_CONFIG_DIR", config_dir)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .map(Driver)
        .expect("start tauri-driver");

    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("wry"));
    capabilities.insert("tauri:options".into(), json!({ "application": app_binary(), "args": args }));
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
    let app = App { client, _driver: driver };
    // The page's modules run before the document completes: then its panels are built.
    app.wait_until(30, "the page loaded", || async {
        app.eval("return document.readyState").await == "complete"
    })
    .await;
    app
}

impl App {
    /// Runs `script` in the page and returns its result.
    pub(crate) async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("execute script in the webview")
    }

    pub(crate) async fn text(&self, id: &str) -> String {
        let script =
            format!("const el = document.getElementById({}); return el ? el.textContent : null", json!(id));
        let value = self.eval(&script).await;
        value.as_str().unwrap_or_default().to_owned()
    }

    pub(crate) async fn number(&self, id: &str) -> Option<i64> {
        self.text(id).await.trim().parse().ok()
    }

    /// A one-line picture of the page, for failure messages.
    pub(crate) async fn describe(&self) -> String {
        self.eval(
            "return location.href + ' | tauri=' + (typeof window.__TAURI__) + ' | ' + \
             document.body.innerText.replace(/\\s+/g, ' ')",
        )
        .await
        .to_string()
    }

    /// Waits up to `secs` for `check` to hold, then fails with `what` and the page's text.
    pub(crate) async fn wait_until<F, Fut>(&self, secs: u64, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !check().await {
            assert!(Instant::now() < deadline, "{what} within {secs} s: {}", self.describe().await);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Types `text` into the field `id`, replacing what was there, as a user would.
    pub(crate) async fn type_into(&self, id: &str, text: &str) {
        let field = self.client.find(fantoccini::Locator::Id(id)).await.expect("find field");
        field.clear().await.expect("clear field");
        field.send_keys(text).await.expect("type into field");
    }

    /// Clicks `id` as a user would: scrolled into view first (a tab panel scrolls inside the
    /// window, which WebKitWebDriver does not do by itself at a small window).
    pub(crate) async fn click(&self, id: &str) {
        let reveal = "document.getElementById(arguments[0])?.scrollIntoView({ block: 'nearest' })";
        self.client.execute(reveal, vec![json!(id)]).await.expect("scroll into view");
        let button = self.client.find(fantoccini::Locator::Id(id)).await.expect("find button");
        button.click().await.expect("click");
    }

    pub(crate) async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Publishes `body` (JSON) on the embedded server's `messages` stream.
pub(crate) async fn publish_to_app(app: &App, body: &Value) {
    let base = app.text("server-url").await;
    let addr = base.trim_start_matches("http://").to_owned();
    let body = body.to_string();
    let request = format!(
        "POST /streams/messages/events HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = http_exchange(&addr, &request).await;
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
}

impl App {
    /// The data column of the log rows in view.
    pub(crate) async fn shown_rows(&self) -> Vec<String> {
        let rows = self
            .eval("return [...document.querySelectorAll('#vlog-rows .vrow .data')].map(e => e.textContent)")
            .await;
        rows.as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// Sets a form control's value and tells the page, as a user's change would.
    pub(crate) async fn set_value(&self, id: &str, value: &str) {
        let script = "const el = document.getElementById(arguments[0]); el.value = arguments[1]; \
                      el.dispatchEvent(new Event('change', { bubbles: true }));";
        self.client.execute(script, vec![json!(id), json!(value)]).await.expect("set a value");
    }

    /// Presses `key` (a character, or a `fantoccini::key::Key` as char) as a user would, on
    /// whatever has the focus.
    pub(crate) async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.expect("press a key");
    }

    /// Presses Ctrl+`key` as a user would, on whatever has the focus.
    pub(crate) async fn press_with_ctrl(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let control = '\u{E009}';
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: control })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: control });
        self.client.perform_actions(keys).await.expect("press a key with Ctrl");
    }

    /// Presses Tab until `id` has the focus, at most `most` times, as a keyboard user moves;
    /// fails saying where the focus went.
    pub(crate) async fn tab_to(&self, id: &str, most: usize) {
        for _ in 0..most {
            if self.focused().await == id {
                return;
            }
            self.press(char::from(fantoccini::key::Key::Tab)).await;
        }
        assert_eq!(self.focused().await, id, "Tab never reached #{id}: {}", self.describe().await);
    }

    /// Makes a tap in front of `upstream` by the keyboard (the form starts it on Enter) and
    /// waits until it listens; where it listens.
    pub(crate) async fn start_tap(&self, upstream: &str) -> String {
        self.click("new-tap").await;
        self.type_into("t-upstream", upstream).await;
        self.press(char::from(fantoccini::key::Key::Enter)).await;
        self.wait_until(20, "the tap listens", || async { self.text("tap-state").await == "listening" })
            .await;
        self.text("tap-url").await
    }

    /// The id of the element that has the focus.
    pub(crate) async fn focused(&self) -> String {
        self.eval("return document.activeElement ? document.activeElement.id : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Exports connection `id`'s kept events to `path` through the export command.
    pub(crate) async fn export(&self, id: &Value, format: &str, path: &std::path::Path) {
        let args =
            json!({ "id": id, "format": format, "matchingOnly": false, "path": path.display().to_string() });
        let answer = self.invoke("export_events", args).await;
        assert!(answer.get("bytes").is_some(), "{answer}");
    }

    /// Calls a command the way the page does, waiting for its answer.
    pub(crate) async fn invoke(&self, command: &str, args: Value) -> Value {
        let script = "const done = arguments[arguments.length - 1]; \
                      window.__TAURI__.core.invoke(arguments[0], arguments[1]).then(done, e => done({ error: e }));";
        self.client.execute_async(script, vec![json!(command), args]).await.expect("invoke a command")
    }
}
