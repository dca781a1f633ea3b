//! "Copy as command": a connection as an equivalent `curl -N` or `sse-sub` command line, for a
//! POSIX shell. Secrets are included, as the command would not work without them.

use crate::spec::{Auth, ConnectionSpec, TlsOptions};
use sse_llm::ReadAs;

/// Quotes `word` for a POSIX shell: as is when it is plainly safe, else in single quotes.
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '@' | '%' | '+' | '=' | ':' | ',' | '.' | '/' | '-')
        });
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Builds a command line word by word, quoting each.
struct Words(Vec<String>);

impl Words {
    fn new(program: &str) -> Self {
        Self(vec![program.to_owned()])
    }

    fn flag(&mut self, flag: &str) -> &mut Self {
        self.0.push(flag.to_owned());
        self
    }

    fn option(&mut self, flag: &str, value: &str) -> &mut Self {
        self.0.push(flag.to_owned());
        self.0.push(shell_quote(value));
        self
    }

    fn finish(&mut self, url: &str) -> String {
        self.0.push(shell_quote(url.trim()));
        self.0.join(" ")
    }
}

/// The user's headers, then those the connection adds (MCP's metadata headers).
fn named_headers(spec: &ConnectionSpec) -> impl Iterator<Item = String> + '_ {
    spec.headers
        .iter()
        .filter(|h| !h.name.trim().is_empty())
        .cloned()
        .chain(spec.added_headers())
        .map(|h| format!("{}: {}", h.name.trim(), h.value.trim()))
}

fn default_connect_timeout(secs: f64) -> bool {
    (secs - 10.0).abs() < f64::EPSILON
}

/// Where curl and sse-sub spell the same request differently.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Curl,
    SseSub,
}

/// The options both tools share: method, headers, authentication, body, TLS, connect timeout.
fn request_options(words: &mut Words, spec: &ConnectionSpec, tool: Tool) {
    let method = spec.method_name();
    if method != "GET" {
        words.option("-X", &method);
    }
    for header in named_headers(spec) {
        words.option("-H", &header);
    }
    match (&spec.auth, tool) {
        (Auth::None, _) => {}
        (Auth::Bearer { token }, Tool::Curl) => {
            words.option("-H", &format!("Authorization: Bearer {}", token.trim()));
        }
        (Auth::Bearer { token }, Tool::SseSub) => {
            words.option("--bearer", token.trim());
        }
        (Auth::Basic { user, password }, _) => {
            words.option("-u", &format!("{user}:{password}"));
        }
    }
    if !spec.body.is_empty() {
        words.option(if tool == Tool::Curl { "--data-raw" } else { "-d" }, &spec.body);
    }
    if spec.tls.insecure {
        words.flag("-k");
    }
    if !spec.tls.ca_file.trim().is_empty() {
        words.option("--cacert", spec.tls.ca_file.trim());
    }
    if !default_connect_timeout(spec.reconnect.connect_timeout_secs) {
        words.option("--connect-timeout", &spec.reconnect.connect_timeout_secs.to_string());
    }
}

/// `curl -N ...`: what curl needs to make the same request and print the stream as it comes.
/// curl does not reconnect; the reconnect options have no curl equivalent.
pub fn curl_command(spec: &ConnectionSpec) -> String {
    let mut words = Words::new("curl");
    words.flag("-N").option("-H", "Accept: text/event-stream");
    request_options(&mut words, spec, Tool::Curl);
    words.finish(&spec.url)
}

/// `sse-sub --check ...`: the server check of the same request (reconnect and reading options
/// aside: the check opens its own connections), for `check_for` seconds, through `via` too.
pub fn sse_sub_check_command(spec: &ConnectionSpec, check_for: u64, via: Option<&str>) -> String {
    let mut words = Words::new("sse-sub");
    words.flag("--check");
    if check_for != sse_server_check::DEFAULT_CHECK_SECS {
        words.option("--check-for", &check_for.to_string());
    }
    if let Some(via) = via.map(str::trim).filter(|via| !via.is_empty()) {
        words.option("--via", via);
    }
    request_options(&mut words, spec, Tool::SseSub);
    words.finish(&spec.url)
}

/// `sse-sub ...`: the same connection with this project's subscriber, reconnect options too.
pub fn sse_sub_command(spec: &ConnectionSpec) -> String {
    let mut words = Words::new("sse-sub");
    request_options(&mut words, spec, Tool::SseSub);
    if !spec.reconnect.enabled {
        words.flag("--no-reconnect");
    }
    if spec.reconnect.retry_http_errors {
        words.flag("--retry-http-errors");
    }
    if spec.reconnect.idle_timeout_secs > 0.0 {
        words.option("--idle-timeout", &spec.reconnect.idle_timeout_secs.to_string());
    }
    if spec.reads_ndjson() {
        words.flag("--ndjson");
    }
    // The summary at the end, as the LLM panel reads the stream (`--llm` does not reconnect).
    match spec.llm_choice().ok().filter(|_| !spec.reconnect.enabled) {
        Some(ReadAs::Provider(provider)) => {
            words.option("--llm", provider.key());
        }
        Some(ReadAs::Auto) if sse_llm::Provider::from_url(spec.url.trim()).is_some() => {
            words.option("--llm", "auto");
        }
        _ => {}
    }
    words.finish(&spec.url)
}

/// `curl ...` that sends a request again as it went upstream: its method, its headers (but
/// `Host` and `Content-Length`, which curl writes itself), its body, `-N` for a stream, and the
/// TLS options it was sent with.
pub fn request_curl(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    stream: bool,
    tls: &TlsOptions,
) -> String {
    let mut words = Words::new("curl");
    if stream {
        words.flag("-N");
    }
    if method != "GET" {
        words.option("-X", method);
    }
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("content-length") {
            words.option("-H", &format!("{name}: {value}"));
        }
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        words.option("--data-raw", body);
    }
    if tls.insecure {
        words.flag("-k");
    }
    if !tls.ca_file.trim().is_empty() {
        words.option("--cacert", tls.ca_file.trim());
    }
    words.finish(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{HeaderField, ReconnectOptions, TlsOptions};

    /// A tapped request as curl: its own headers but those curl writes, its body, -N for a stream.
    #[test]
    fn a_request_as_sent_upstream_is_one_curl_line() {
        let headers = vec![
            ("host".to_owned(), "api.example.com".to_owned()),
            ("authorization".to_owned(), "Bearer sk-1".to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
            ("content-length".to_owned(), "11".to_owned()),
        ];
        let tls = TlsOptions { insecure: true, ca_file: String::new() };
        let line = request_curl(
            "POST",
            "https://api.example.com/v1/chat",
            &headers,
            Some(r#"{"a":"it's"}"#),
            true,
            &tls,
        );
        assert_eq!(
            line,
            r#"curl -N -X POST -H 'authorization: Bearer sk-1' -H 'content-type: application/json' --data-raw '{"a":"it'\''s"}' -k https://api.example.com/v1/chat"#
        );
        let plain = request_curl("GET", "http://h/x", &[], None, false, &TlsOptions::default());
        assert_eq!(plain, "curl http://h/x");
    }

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("http://x:1/events?stream=a"), "'http://x:1/events?stream=a'");
        assert_eq!(shell_quote("http://x:1/events"), "http://x:1/events");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }

    #[test]
    fn a_plain_get_is_short() {
        let spec = ConnectionSpec {
            url: "http://127.0.0.1:8080/events?stream=messages".into(),
            ..Default::default()
        };
        assert_eq!(
            curl_command(&spec),
            "curl -N -H 'Accept: text/event-stream' 'http://127.0.0.1:8080/events?stream=messages'"
        );
        assert_eq!(sse_sub_command(&spec), "sse-sub 'http://127.0.0.1:8080/events?stream=messages'");
    }

    #[test]
    fn every_option_has_its_flag() {
        let spec = ConnectionSpec {
            url: "https://api.example.com/v1/chat".into(),
            method: "post".into(),
            headers: vec![
                HeaderField::new("Content-Type", "application/json"),
                HeaderField::new("", "ignored"),
            ],
            body: r#"{"q":"it's"}"#.into(),
            auth: Auth::Bearer { token: "sk-1".into() },
            tls: TlsOptions { insecure: true, ca_file: "/etc/ca.pem".into() },
            reconnect: ReconnectOptions {
                enabled: false,
                retry_http_errors: true,
                connect_timeout_secs: 5.0,
                idle_timeout_secs: 30.0,
            },
            ..Default::default()
        };
        assert_eq!(
            curl_command(&spec),
            "curl -N -H 'Accept: text/event-stream' -X POST -H 'Content-Type: application/json' \
             -H 'Authorization: Bearer sk-1' --data-raw '{\"q\":\"it'\\''s\"}' -k --cacert /etc/ca.pem \
             --connect-timeout 5 https://api.example.com/v1/chat"
        );
        assert_eq!(
            sse_sub_command(&spec),
            "sse-sub -X POST -H 'Content-Type: application/json' --bearer sk-1 -d '{\"q\":\"it'\\''s\"}' -k \
             --cacert /etc/ca.pem --connect-timeout 5 --no-reconnect --retry-http-errors --idle-timeout 30 \
             https://api.example.com/v1/chat"
        );
        let basic = ConnectionSpec { auth: Auth::Basic { user: "u".into(), password: "p w".into() }, ..spec };
        assert!(curl_command(&basic).contains(" -u 'u:p w' "));
    }
}
