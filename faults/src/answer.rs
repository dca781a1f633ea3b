//! What a profile answers a reconnect with instead of the stream: a 204, a 4xx or 5xx, a 200
//! of another Content-Type, or a 307. The server writing it adds the headers every answer of
//! its carries and closes the connection.

use sse_report_card::{Answer, ERROR_PAGE_RETRY_MS};

use crate::profile::ReconnectAnswer;

/// A whole answer, but for the headers every answer of the server carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsteadAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

impl ReconnectAnswer {
    /// The answer to write.
    pub fn instead(&self) -> InsteadAnswer {
        if let Some(redirect) = &self.redirect {
            return InsteadAnswer {
                status: 307,
                content_type: None,
                location: Some(redirect.clone()),
                body: String::new(),
            };
        }
        if let Some(content_type) = &self.content_type {
            return InsteadAnswer {
                status: 200,
                content_type: Some(content_type.clone()),
                location: None,
                body: "a fault profile answered this instead of the stream\n".into(),
            };
        }
        let status = self.status.unwrap_or(503);
        // A 204 has no body, so nothing to type. A 5xx's body reads like a stream (a `retry` and
        // a `data` line) though it is `text/plain`: a client that waits that `retry` next read it
        // as one, which the report card notes. Its first line says what it is (read as a stream,
        // a line without a colon is a field of that name, ignored).
        let (content_type, body) = match status {
            204 => (None, String::new()),
            500.. => (
                Some("text/plain; charset=utf-8".to_owned()),
                format!(
                    "a fault profile answered {status}\nretry: {ERROR_PAGE_RETRY_MS}\ndata: a fault profile answered {status}\n\n"
                ),
            ),
            _ => {
                (Some("text/plain; charset=utf-8".to_owned()), format!("a fault profile answered {status}\n"))
            }
        };
        InsteadAnswer { status, content_type, location: None, body }
    }

    /// The answer as the client record keeps it, with the profile's words that made it.
    pub fn recorded(&self) -> Answer {
        let fault = serde_json::to_string(&serde_json::json!({ "onReconnect": self })).ok();
        let InsteadAnswer { status, content_type, location, .. } = self.instead();
        Answer { status, content_type, location, fault }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of answer has its status, type, target and body; the record names the profile.
    #[test]
    fn each_answer_is_whole_and_recorded() {
        let none = ReconnectAnswer { status: None, content_type: None, redirect: None, every: false };
        let gone = ReconnectAnswer { status: Some(204), ..none.clone() };
        assert_eq!(
            gone.instead(),
            InsteadAnswer { status: 204, content_type: None, location: None, body: String::new() }
        );
        let moved = ReconnectAnswer { redirect: Some("/events?stream=b".into()), ..none.clone() };
        assert_eq!(
            (moved.instead().status, moved.instead().location.as_deref()),
            (307, Some("/events?stream=b"))
        );
        let typed = ReconnectAnswer { content_type: Some("text/html".into()), ..none.clone() };
        assert_eq!(
            (typed.instead().status, typed.instead().content_type.as_deref()),
            (200, Some("text/html"))
        );
        let failed = ReconnectAnswer { status: Some(500), ..none };
        assert_eq!(
            failed.instead().body,
            "a fault profile answered 500\nretry: 2345\ndata: a fault profile answered 500\n\n"
        );
        let refused = ReconnectAnswer { status: Some(403), ..failed.clone() };
        assert_eq!(refused.instead().body, "a fault profile answered 403\n");
        let record = failed.recorded();
        assert_eq!(
            (record.status, record.fault.as_deref()),
            (500, Some(r#"{"onReconnect":{"status":500}}"#))
        );
    }
}
