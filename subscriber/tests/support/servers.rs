//! Servers nobody here wrote, for the server check's tests: npm better-sse's counter, PyPI
//! sse-starlette's (the tap's test app), and Debian's nginx in front of either.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

/// Runs `program args`, which prints `{"listening": PORT}` first; the child (stopped when
/// dropped) and its address.
async fn listening(mut command: Command, what: &str) -> (Child, SocketAddr) {
    let mut child = command
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    tokio::time::timeout(Duration::from_secs(20), stdout.read_line(&mut line))
        .await
        .unwrap_or_else(|_| panic!("{what} says its port within 20 s"))
        .expect("read its port");
    // Read on, so that what it prints later never meets a closed pipe.
    tokio::spawn(async move {
        let mut rest = String::new();
        while matches!(stdout.read_line(&mut rest).await, Ok(n) if n > 0) {
            rest.clear();
        }
    });
    let said: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("{what} said {line:?}"));
    let port = said["listening"].as_u64().expect("its port") as u16;
    (child, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// npm better-sse's counter (tests/servers/better_sse_counter.mjs) every `every` ms; it stops
/// when dropped.
pub async fn better_sse(every: u64) -> (Child, SocketAddr) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/servers/better_sse_counter.mjs");
    let mut command = Command::new("node");
    command.arg(script).arg(every.to_string());
    listening(command, "node (npm ci installs better-sse)").await
}

/// Debian's nginx in front of `upstream`, with `proxy_buffering on` or `off` (and the
/// upstream's `X-Accel-Buffering` ignored, so the setting is what decides); it stops when
/// dropped.
pub struct Nginx {
    pub addr: SocketAddr,
    _child: Child,
    dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How nginx is set up in front of the upstream.
#[derive(Clone, Copy)]
pub enum Ngx {
    BufferingOn,
    BufferingOff,
    /// `proxy_buffering on`, and nginx's gzip on for `text/event-stream` (with buffering off,
    /// nginx flushes its gzip at each upstream read: events still come one by one).
    Gzip,
}

pub async fn nginx(upstream: SocketAddr, setup: Ngx) -> Nginx {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("sse-check-nginx-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    let buffering = match setup {
        Ngx::BufferingOn => "on;",
        Ngx::BufferingOff => "off;",
        Ngx::Gzip => "on;\n      gzip on;\n      gzip_types text/event-stream;\n      gzip_min_length 0;",
    };
    let config = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{}}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://{upstream};\n\
         proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n      proxy_buffering {buffering}\n\
         proxy_ignore_headers X-Accel-Buffering;\n      proxy_read_timeout 1h;\n    }}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), config).unwrap();
    let child = Command::new("nginx")
        .args(["-p", &d.to_string(), "-c"])
        .arg(dir.join("nginx.conf"))
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("run nginx (scripts/setup.sh test installs it)");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "nginx did not listen on {addr} within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Nginx { addr, _child: child, dir }
}

/// PyPI sse-starlette serving the tap's test app (tap/tests/servers/starlette_events.py) from
/// the test venv; stopped when dropped.
pub async fn starlette() -> (Child, SocketAddr) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new(root.join("../target/test-venv/bin/python"));
    command.arg(root.join("../tap/tests/servers/starlette_events.py"));
    listening(command, "sse-starlette (scripts/setup.sh test installs it)").await
}
