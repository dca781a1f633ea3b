//! Who a request is from, the one rule for the embedded server, a tap and fault profiles: its
//! `client` query parameter (EventSource cannot send headers), else its `X-SSE-Client` header,
//! else (untagged) its address and User-Agent.

use std::net::IpAddr;

use crate::record::ClientNamedBy;

/// The query parameter a client may name itself by.
pub const CLIENT_PARAMETER: &str = "client";
/// The header a client may name itself by.
pub const CLIENT_HEADER: &str = "x-sse-client";
/// Characters kept of a name, a header value or an id.
pub const MAX_VALUE_CHARS: usize = 256;

/// A client's own tag: its non-empty `client` parameter, else its non-empty `X-SSE-Client`
/// header (an empty tag is no tag).
pub fn client_tag<'a>(
    parameter: Option<&'a str>,
    header: Option<&'a str>,
) -> Option<(&'a str, ClientNamedBy)> {
    let parameter = parameter.filter(|tag| !tag.is_empty()).map(|tag| (tag, ClientNamedBy::Parameter));
    parameter.or_else(|| header.filter(|tag| !tag.is_empty()).map(|tag| (tag, ClientNamedBy::Header)))
}

/// A client's name in the record: its tag, else `"ADDRESS USER-AGENT"`, at most
/// [`MAX_VALUE_CHARS`] characters of each part.
pub fn client_name(
    parameter: Option<&str>,
    header: Option<&str>,
    peer: Option<IpAddr>,
    user_agent: Option<&str>,
) -> (String, ClientNamedBy) {
    if let Some((tag, named_by)) = client_tag(parameter, header) {
        return (shortened(tag), named_by);
    }
    let address = peer.map_or_else(|| "unknown address".to_owned(), |ip| ip.to_string());
    let agent = user_agent.filter(|agent| !agent.is_empty()).unwrap_or("no User-Agent");
    (format!("{address} {}", shortened(agent)), ClientNamedBy::AddressAndAgent)
}

/// At most [`MAX_VALUE_CHARS`] characters of `text`.
pub(crate) fn shortened(text: &str) -> String {
    text.chars().take(MAX_VALUE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameter wins over the header, an empty tag is no tag, and an untagged client is
    /// its address and User-Agent.
    #[test]
    fn a_client_is_its_tag_else_its_address_and_agent() {
        assert_eq!(client_tag(Some("a"), Some("b")), Some(("a", ClientNamedBy::Parameter)));
        assert_eq!(client_tag(Some(""), Some("b")), Some(("b", ClientNamedBy::Header)));
        assert_eq!(client_tag(None, Some("")), None);
        let peer = Some(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(client_name(None, None, peer, Some("curl/8")).0, "127.0.0.1 curl/8");
        assert_eq!(client_name(None, None, None, None).0, "unknown address no User-Agent");
        let long = "x".repeat(1000);
        assert_eq!(client_name(Some(&long), None, peer, None).0.len(), MAX_VALUE_CHARS);
    }
}
