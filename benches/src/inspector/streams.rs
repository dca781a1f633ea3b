//! What an `sse-server` (or the app's embedded one) says of its streams (`GET /streams`): how
//! many subscribe, and the last event id, which counts what it published (ids are 1, 2, 3...).

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One stream as the server lists it.
pub struct StreamFigures {
    pub subscribers: u64,
    pub last_event_id: u64,
}

/// The stream `name` of the server at `addr` (`host:port`); None if it cannot be asked.
pub async fn stream(addr: &str, name: &str) -> Option<StreamFigures> {
    let mut socket = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET /streams HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    socket.write_all(request.as_bytes()).await.ok()?;
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.ok()?;
    let body = answer.split_once("\r\n\r\n")?.1;
    let streams: Value = serde_json::from_str(body).ok()?;
    let found = streams.as_array()?.iter().find(|s| s["name"] == name)?;
    Some(StreamFigures {
        subscribers: found["subscribers"].as_u64()?,
        last_event_id: found["lastEventId"].as_u64()?,
    })
}

/// `host:port` and the stream of an events URL (`http://host:port/events?stream=NAME`).
pub fn server_and_stream(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("http://")?;
    let (addr, path) = rest.split_once('/')?;
    let stream = path.split_once("stream=")?.1.split('&').next()?;
    Some((addr.to_owned(), stream.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_url_names_its_server_and_stream() {
        let (addr, stream) = server_and_stream("http://127.0.0.1:4000/events?stream=load&x=1").unwrap();
        assert_eq!((addr.as_str(), stream.as_str()), ("127.0.0.1:4000", "load"));
        assert!(server_and_stream("https://example.com/events").is_none());
    }
}
