//! Which names carry credentials: the same rule for a header (`Authorization`, `X-Api-Key`,
//! `X-Auth-Token`, `Cookie`) and a query parameter (Gemini's `key`, an `access_token`).

/// Words that make a name a credential's, wherever they stand in it.
const CREDENTIAL_WORDS: [&str; 6] = ["token", "secret", "key", "password", "auth", "cookie"];

/// Whether a header or query parameter named `name` carries a credential: `Authorization`,
/// `Proxy-Authorization`, or any name containing token, secret, key, password, auth or cookie
/// (case aside).
pub fn is_credential_name(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    matches!(name.as_str(), "authorization" | "proxy-authorization")
        || CREDENTIAL_WORDS.iter().any(|word| name.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Headers and query parameters are told by the same words, whatever their case.
    #[test]
    fn credential_names_are_told_by_their_words() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "X-Api-Key",
            "X-Auth-Token",
            "Cookie",
            "Set-Cookie",
            "key",
            "access_token",
            "client_secret",
            "PASSWORD",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in
            ["Accept", "User-Agent", "Last-Event-ID", "stream", "client", "lastEventId", "x-sse-client"]
        {
            assert!(!is_credential_name(name), "{name}");
        }
    }
}
