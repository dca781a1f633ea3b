//! A real OTLP/HTTP receiver for the tests of what is exported: the official
//! `opentelemetry-proto` definitions (PyPI, pinned in the test venv) behind a few lines of
//! HTTP server (`otlp_receiver.py`), which decode each request in `http/protobuf` or
//! `http/json` and hand it back as OTLP/JSON.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// The receiver, killed when dropped.
pub struct OtlpReceiver {
    /// Killed when the receiver is dropped.
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    /// Its base URL (`http://127.0.0.1:PORT`).
    pub url: String,
}

impl OtlpReceiver {
    /// Starts it on a free loopback port (the test venv's Python, `scripts/setup.sh test`).
    pub async fn start() -> Self {
        let python = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/test-venv/bin/python");
        assert!(
            std::path::Path::new(python).exists(),
            "the test venv is missing: run `bash scripts/setup.sh test` (it installs opentelemetry-proto)"
        );
        let mut child = Command::new(python)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/src/otlp_receiver.py"))
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the receiver starts");
        let mut lines = BufReader::new(child.stdout.take().expect("its stdout")).lines();
        let port = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the receiver printed its port within 20 s")
            .expect("its stdout")
            .expect("a port line");
        Self { _child: child, lines, url: format!("http://127.0.0.1:{}", port.trim()) }
    }

    /// The next request it decoded for `path`, 10 s at most.
    pub async fn next(&mut self, path: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let line = tokio::time::timeout_at(deadline, self.lines.next_line())
                .await
                .unwrap_or_else(|_| panic!("no request to {path} decoded within 10 s"))
                .expect("the receiver's stdout")
                .expect("the receiver is still running");
            let request: Value = serde_json::from_str(&line).expect("a JSON line");
            if request["path"] == path {
                return request;
            }
        }
    }
}

/// A span's or data point's attributes as (key, value) with the value as OTLP/JSON gives it.
pub fn attributes(list: &Value) -> Vec<(String, Value)> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|kv| {
            let value = &kv["value"];
            let plain = value
                .get("stringValue")
                .cloned()
                .or_else(|| {
                    value
                        .get("intValue")
                        .map(|v| Value::from(v.as_str().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0)))
                })
                .or_else(|| value.get("doubleValue").cloned())
                .or_else(|| value.get("boolValue").cloned())
                .or_else(|| {
                    value.get("arrayValue").map(|a| {
                        Value::from(
                            a["values"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|v| v["stringValue"].clone())
                                .collect::<Vec<_>>(),
                        )
                    })
                })
                .unwrap_or(Value::Null);
            (kv["key"].as_str().unwrap_or("").to_owned(), plain)
        })
        .collect()
}

/// The value of `key` among `attributes`.
pub fn get<'a>(attributes: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
    attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}
