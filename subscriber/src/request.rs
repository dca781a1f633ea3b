use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use crate::error::SubscribeError;

/// What to subscribe to: an `http`/`https` URL and extra request headers.
#[derive(Debug, Clone)]
pub struct SubscribeRequest {
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
}

impl SubscribeRequest {
    /// Checks that `url` is an absolute `http` or `https` URL.
    pub fn new(url: &str) -> Result<Self, SubscribeError> {
        let invalid = |reason: String| SubscribeError::InvalidUrl { url: url.to_owned(), reason };
        let parsed = Url::parse(url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!("scheme `{}` is not http or https", parsed.scheme())));
        }
        Ok(Self { url: parsed, headers: HeaderMap::new() })
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// Parses a `Name: value` line, as given to `curl -H`.
pub fn parse_header_line(line: &str) -> Result<(HeaderName, HeaderValue), SubscribeError> {
    let invalid =
        |reason: &str| SubscribeError::InvalidHeader { line: line.to_owned(), reason: reason.to_owned() };
    let (name, value) = line.split_once(':').ok_or_else(|| invalid("expected `Name: value`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| invalid("the name is not a valid header name"))?;
    // HeaderValue refuses CR, LF and NUL, so no header can be smuggled in.
    let value =
        HeaderValue::from_str(value.trim()).map_err(|_| invalid("the value contains a control character"))?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_split_at_the_first_colon_and_trimmed() {
        let (name, value) = parse_header_line("X-Forwarded-For:  127.0.0.1 ").unwrap();
        assert_eq!(name, "x-forwarded-for");
        assert_eq!(value, "127.0.0.1");
        let (_, value) = parse_header_line("Authorization: Bearer a:b").unwrap();
        assert_eq!(value, "Bearer a:b");
    }

    #[test]
    fn bad_header_lines_are_refused() {
        assert!(parse_header_line("no colon").is_err());
        assert!(parse_header_line("bad name: x").is_err());
        assert!(parse_header_line("X: a\r\nInjected: yes").is_err());
    }

    #[test]
    fn only_absolute_http_urls_are_accepted() {
        assert!(SubscribeRequest::new("http://127.0.0.1:1/events").is_ok());
        assert!(SubscribeRequest::new("https://example.com/").is_ok());
        let error = SubscribeRequest::new("ftp://example.com/").unwrap_err().to_string();
        assert!(error.contains("scheme `ftp`"), "{error}");
        assert!(SubscribeRequest::new("/events").is_err());
        assert!(SubscribeRequest::new("not a url").is_err());
    }
}
