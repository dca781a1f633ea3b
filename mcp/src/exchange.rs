//! What a conversation is read from: HTTP exchanges as a tap (or a connection) recorded them.
//! Times are milliseconds since the Unix epoch, so exchanges on different connections line up.

/// One SSE event of a response, as it passed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamEvent {
    pub at_ms: f64,
    /// Its type (`message` when the stream named none).
    pub event: String,
    /// Its own `id:` field, if its block set one (empty otherwise).
    pub id: String,
    pub data: String,
}

/// One HTTP request and its response, as far as they got.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpExchange {
    /// Its number in the record (a tap's exchange id).
    pub id: u64,
    /// When the request came.
    pub started_ms: f64,
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub request_headers: Vec<(String, String)>,
    /// The request's body as text (its first bytes, as the record kept them).
    pub request_body: String,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// When the response head came.
    pub head_ms: Option<f64>,
    /// A response body that is not a stream, as text.
    pub response_body: String,
    /// A `text/event-stream` response's events.
    pub events: Vec<StreamEvent>,
    /// The client closed the connection before the response ended (on revision 2026-07-28, a
    /// request's stream closed by its client is that request cancelled).
    pub client_closed: bool,
    /// SSE comment lines (`:` keep-alives) the response carried, as far as the record kept it.
    pub comments: u64,
    /// How long the exchange lasted (so far, while it is open).
    pub duration_ms: Option<f64>,
}

impl HttpExchange {
    /// A request header's value (the first of that name).
    pub fn request_header(&self, name: &str) -> Option<&str> {
        header(&self.request_headers, name)
    }

    pub fn response_header(&self, name: &str) -> Option<&str> {
        header(&self.response_headers, name)
    }

    /// The response's media type, lower case, without parameters.
    pub fn content_type(&self) -> String {
        let value = self.response_header("content-type").unwrap_or("");
        sse_wire::essence(value)
    }

    /// The target's path, without its query.
    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or(&self.target)
    }

    /// How the exchange is named in what is said about it.
    pub fn label(&self) -> String {
        let status = self.status.map_or_else(|| "no response".to_owned(), |status| status.to_string());
        format!("#{} {} {} → {status}", self.id, self.method, self.target)
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}
