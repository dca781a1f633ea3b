//! Expectations checked on an open connection, as the window's Expectations panel uses them:
//! loaded on a stream under way (its kept events first), decided live as events arrive, each
//! naming the log row that decided it; generated from a stream; a bad file refused.

mod support;

use std::sync::Arc;
use std::time::Duration;

use embedded_server::Publish;
use sse_connections::{
    ConnectionSpec, ConnectionUpdate, ExpectationsReport, InspectError, RunningConnections,
};
use sse_expect::Verdict;
use support::{spawn_upstream, wait_for_events};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

type Updates = mpsc::UnboundedReceiver<ConnectionUpdate>;

fn open(connections: &RunningConnections, url: String) -> (u64, Updates) {
    let (tx, rx) = mpsc::unbounded_channel();
    let spec = ConnectionSpec { url, ..ConnectionSpec::default() };
    let id = connections.open(spec, Arc::new(move |update| tx.send(update).is_ok())).unwrap();
    (id, rx)
}

/// The next expectations report that `done` accepts, within 5 s.
async fn next_report(
    updates: &mut Updates,
    done: impl Fn(&ExpectationsReport) -> bool,
) -> ExpectationsReport {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let ConnectionUpdate::Expectations { report } = updates.recv().await.expect("still reporting")
            {
                if done(&report) {
                    return report;
                }
            }
        }
    })
    .await
    .expect("no such report within 5 s")
}

fn row<'r>(report: &'r ExpectationsReport, name: &str) -> &'r sse_connections::ExpectationRow {
    report
        .rows
        .iter()
        .find(|row| row.name.contains(name))
        .unwrap_or_else(|| panic!("no {name} in {report:#?}"))
}

const FILE: &str = r#"
[[event]]
type = "tick"
data_matches = '^\d+$'
at_least = 3
[ids]
increasing = true
"#;

/// Loaded while the stream runs, the file is checked on the events already kept, then on new
/// ones; a failure names the log row of the event that broke it.
#[tokio::test]
async fn expectations_check_kept_events_then_live_ones_and_name_the_deciding_row() {
    let upstream = spawn_upstream().await;
    upstream.broker.create_stream("ticks").unwrap();
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, mut updates) = open(&connections, format!("http://{}/events?stream=ticks", upstream.addr));
    let publish = |data: &str| {
        let event = Publish { event: Some("tick".into()), ..Publish::data(data) };
        upstream.broker.publish("ticks", event).unwrap();
    };
    upstream.wait_for_subscriber("ticks").await;
    publish("1");
    publish("2");
    wait_for_events(&connections, id, 2).await;

    let report = connections.load_expectations(id, "ticks.toml", FILE.to_owned()).unwrap();
    assert_eq!(report.source, "ticks.toml");
    assert_eq!(row(&report, "status").verdict, Verdict::Pass, "the head came before the file");
    assert_eq!(row(&report, "at least 3").verdict, Verdict::Pending, "{report:#?}");

    publish("3");
    let report = next_report(&mut updates, |r| row(r, "at least 3").verdict == Verdict::Pass).await;
    let third = connections.page(id, 2, 1).unwrap().rows[0].seq;
    assert_eq!(row(&report, "at least 3").seq, Some(third), "decided by the third row");

    publish("four");
    let report = next_report(&mut updates, |r| r.fail > 0).await;
    let fourth = connections.page(id, 3, 1).unwrap().rows[0].seq;
    let failed = row(&report, "data matches");
    assert_eq!((failed.verdict, failed.seq), (Verdict::Fail, Some(fourth)), "{report:#?}");
    assert!(failed.detail.contains("event #4 (`tick`, id `4`)"), "{}", failed.detail);
    assert_eq!(connections.expectations(id).unwrap(), Some(report));

    connections.clear_expectations(id).unwrap();
    assert_eq!(connections.expectations(id).unwrap(), None);
    assert!(matches!(connections.expectations_text(id), Err(InspectError::NoExpectations(_))));
}

/// A file with a mistake is refused with its line and column, and what was loaded stays.
#[tokio::test]
async fn a_bad_file_is_refused_with_its_place() {
    let upstream = spawn_upstream().await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, _updates) = open(&connections, format!("http://{}/events?stream=messages", upstream.addr));
    connections.load_expectations(id, "good.toml", "[[event]]\nat_least = 1\n".into()).unwrap();
    let error = connections.load_expectations(id, "bad.toml", "[ids]\nincreasing = 1\n".into()).unwrap_err();
    assert!(error.to_string().starts_with("bad.toml: line 2, column 14:"), "{error}");
    assert_eq!(connections.expectations(id).unwrap().map(|r| r.source).as_deref(), Some("good.toml"));
    assert_eq!(connections.expectations_text(id).unwrap(), "[[event]]\nat_least = 1\n");
}

/// Generated from a stream that ended, the file is exact about it (counts, terminal event)
/// and passes on it at once.
#[tokio::test]
async fn expectations_generated_from_an_ended_stream_pass_on_it() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let body = "event: start\nid: 1\ndata: {\"model\":\"m\"}\n\nid: 2\ndata: hi\n\nid: 3\ndata: there\n\nevent: done\nid: 4\ndata: [DONE]\n\n";
        let response = format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n{body}");
        socket.write_all(response.as_bytes()).await.unwrap();
    });
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, mut updates) = open(&connections, format!("http://{addr}/chat"));
    wait_for_events(&connections, id, 4).await;
    // The stream ends (and the connection waits to reconnect).
    tokio::time::timeout(Duration::from_secs(5), async {
        while !matches!(
            updates.recv().await,
            Some(ConnectionUpdate::Feed { update: sse_subscriber::FeedUpdate::Retrying { .. } })
        ) {}
    })
    .await
    .expect("the stream ended");

    let (text, report) = connections.generate_expectations(id, 20).unwrap();
    for line in [
        "type = 'done'\nexactly = 1",
        "[terminal]\ntype = 'done'",
        "\"Cache-Control\" = 'no-cache'",
        "types = ['start', 'message', 'done']",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    assert!(report.finished && report.fail == 0 && report.open == 0, "{report:#?}");
    assert_eq!(report.source, "generated from the first 20 events");
    assert_eq!(connections.expectations_text(id).unwrap(), text);
}

/// `reconnect_after_events` in the window: the connection's task drops the connection after
/// that many events and resumes with Last-Event-ID; on the embedded server the resume is exact.
#[tokio::test]
async fn the_task_drops_and_resumes_for_reconnect_after_events() {
    let upstream = spawn_upstream().await;
    upstream.broker.create_stream("ticks").unwrap();
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, mut updates) = open(&connections, format!("http://{}/events?stream=ticks", upstream.addr));
    upstream.wait_for_subscriber("ticks").await;
    let file = "events = 5\n[ids]\nno_gap = true\nreconnect_after_events = 3\n";
    let report = connections.load_expectations(id, "resume.toml", file.into()).unwrap();
    assert_eq!(row(&report, "resumes exactly").verdict, Verdict::Pending);
    for n in 1..=5 {
        upstream.broker.publish("ticks", Publish::data(n.to_string())).unwrap();
    }
    let report = next_report(&mut updates, |r| r.finished).await;
    let resumed = row(&report, "resumes exactly after a reconnect at event 3");
    assert_eq!(resumed.verdict, Verdict::Pass, "{report:#?}");
    assert!(resumed.detail.contains("resumed after id `3`"), "{}", resumed.detail);
    assert_eq!((report.fail, report.open), (0, 0), "{report:#?}");
    let last = connections.page(id, 4, 1).unwrap().rows[0].seq;
    let detail = connections.detail(id, last).unwrap().expect("the fifth event");
    assert_eq!(detail.connection, 2, "the last events came on the resumed connection");
}
