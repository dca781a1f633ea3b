//! The durable event log: a server restarted on the same file, even after SIGKILL, resumes
//! subscribers from their Last-Event-ID with no gap and no duplicate, and a publish retried
//! with its Idempotency-Key is stored once.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command};

use support::Blocks;

fn temp_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("sse-durable-{name}-{}.redb", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// `sse-server --durable-log FILE` on a free port; its base URL.
fn start_server(log: &std::path::Path) -> (Child, String) {
    let log = log.to_string_lossy();
    let args = ["--addr", "127.0.0.1:0", "--interval-ms", "0", "--stream", "orders", "--durable-log", &log];
    support::spawn_server_binary(&args).expect("sse-server listens")
}

async fn publish(client: &reqwest::Client, base: &str, data: &str, key: &str) -> (u16, u64) {
    let response = client
        .post(format!("{base}/streams/orders/events"))
        .header("idempotency-key", key)
        .json(&serde_json::json!({ "data": data }))
        .send()
        .await
        .expect("publish");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("JSON answer");
    (status, body["id"].as_u64().expect("an id"))
}

/// Killed with SIGKILL and started again on the same file, the server keeps its ids, answers a
/// retried publish with the first id, and resumes a subscriber exactly after its last id.
#[tokio::test]
async fn a_killed_server_resumes_with_no_gap_or_duplicate() {
    let log = temp_file("kill");
    let client = reqwest::Client::new();
    let (mut first, base) = start_server(&log);
    for n in 1..=30u64 {
        assert_eq!(publish(&client, &base, &format!("order {n}"), &format!("key-{n}")).await, (201, n));
    }
    first.kill().expect("SIGKILL the server");
    first.wait().expect("reap");

    let (mut second, base) = start_server(&log);
    // The publisher did not see its answer for order 30 and retries it: stored once.
    assert_eq!(publish(&client, &base, "order 30", "key-30").await, (200, 30));
    let response = client
        .get(format!("{base}/events?stream=orders"))
        .header("last-event-id", "12")
        .send()
        .await
        .expect("subscribe");
    let mut blocks = Blocks::new(response);
    for n in 13..=30u64 {
        assert_eq!(blocks.next_event().await, (n, format!("order {n}")));
    }
    assert_eq!(publish(&client, &base, "order 31", "key-31").await, (201, 31));
    assert_eq!(blocks.next_event().await, (31, "order 31".to_owned()));
    second.kill().expect("stop the server");
    second.wait().expect("reap");
    let _ = std::fs::remove_file(log);
}

/// A log that is not a redb file is a clear error at start, not a crash.
#[tokio::test]
async fn a_damaged_log_file_is_a_clear_error() {
    let log = temp_file("damaged");
    std::fs::write(&log, b"not a database at all, just some bytes that are long enough to look at").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sse-server"))
        .args(["--addr", "127.0.0.1:0", "--durable-log"])
        .arg(&log)
        .output()
        .expect("run sse-server");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("event log") && stderr.contains(&*log.to_string_lossy()), "{stderr}");
    let _ = std::fs::remove_file(log);
}

/// A subscriber that comes back after 50,000 newer events (far past the in-memory 1,024),
/// across a restart, resumes from the durable log's file with no gap and no duplicate, then
/// goes on live; the restarted broker loads only the in-memory window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_back_after_50_000_events_resumes_from_the_file() {
    use embedded_server::{Broker, BrokerConfig, DurableLog, Publish, Server, ServerConfig};
    let path = temp_file("window");
    let total = 50_001u64;
    let writer = path.clone();
    // Published before the restart, off the runtime (each publish is synced to disk).
    tokio::task::spawn_blocking(move || {
        let broker =
            Broker::with_durable_log(BrokerConfig::default(), DurableLog::open(&writer).unwrap()).unwrap();
        broker.create_stream("orders").unwrap();
        for n in 1..=total {
            broker.publish("orders", Publish::data(format!("order {n}"))).unwrap();
        }
    })
    .await
    .unwrap();

    let broker = Broker::with_durable_log(BrokerConfig::default(), DurableLog::open(&path).unwrap()).unwrap();
    let config = ServerConfig { counter_interval: None, ..ServerConfig::default() };
    let server = Server::with_broker(config, broker.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run(listener, async {
        let _ = stopped.await;
    }));
    let response = reqwest::Client::new()
        .get(format!("http://{addr}/events?stream=orders"))
        .header("last-event-id", "1")
        .send()
        .await
        .unwrap();
    let mut blocks = Blocks::new(response);
    for n in 2..=total {
        let (id, data) = blocks.next_event().await;
        assert_eq!((id, data.as_str()), (n, format!("order {n}").as_str()), "no gap, no duplicate");
    }
    broker.publish("orders", Publish::data("live")).unwrap();
    assert_eq!(blocks.next_event().await, (total + 1, "live".to_owned()));
    let _ = stop.send(());
    let _ = task.await;
    let _ = std::fs::remove_file(path);
}
