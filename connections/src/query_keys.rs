//! Credential query parameters (Gemini's `?key=`, an `access_token=`: named as credential
//! headers are) taken out of a URL to be kept as secrets, put back, or masked for the screen,
//! with the rest of the URL left exactly as written.

use sse_wire::is_credential_name;

/// `url` with each credential query parameter's value (a parameter named like a credential
/// header: `key`, `api_key`, `access_token`) replaced by what `change` makes of its name and
/// value; everything else, encoding included, left exactly as written.
fn map_query_secrets(url: &str, mut change: impl FnMut(&str, &str) -> Option<String>) -> String {
    let Some(start) = url.find('?') else { return url.to_owned() };
    let end = url[start..].find('#').map_or(url.len(), |at| start + at);
    let pieces: Vec<String> = url[start + 1..end]
        .split('&')
        .map(|piece| match piece.split_once('=') {
            Some((name, value)) if is_credential_name(name) => match change(name, value) {
                Some(value) => format!("{name}={value}"),
                None => piece.to_owned(),
            },
            _ => piece.to_owned(),
        })
        .collect();
    format!("{}?{}{}", &url[..start], pieces.join("&"), &url[end..])
}

/// Takes the values of the credential query parameters out of `url` (`?key=` stays, empty).
pub(crate) fn split_query_secrets(url: &mut String) -> Vec<(String, String)> {
    let mut taken = Vec::new();
    let bare = map_query_secrets(url, |name, value| {
        if value.is_empty() {
            return None;
        }
        taken.push((name.to_owned(), value.to_owned()));
        Some(String::new())
    });
    *url = bare;
    taken
}

/// Puts saved credential query values back into the empty parameters of the same name, in order.
pub(crate) fn restore_query_secrets(url: &mut String, saved: Vec<(String, String)>) {
    if saved.is_empty() {
        return;
    }
    let mut saved = saved.into_iter().peekable();
    let restored = map_query_secrets(url, |name, value| {
        let (_, next) = saved.peek().filter(|(saved, _)| value.is_empty() && saved == name)?;
        let value = next.clone();
        saved.next();
        Some(value)
    });
    *url = restored;
}

/// `url` with its credential query values shown as `***`, for the screen.
pub(crate) fn mask_query_secrets(url: &str) -> String {
    map_query_secrets(url, |_, value| (!value.is_empty()).then(|| "***".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key in the URL's query (Gemini's `?key=`) is a secret: saved without it, put back
    /// exactly, and masked on screen; other parameters and their encoding are untouched.
    #[test]
    fn credential_query_parameters_are_split_out_and_put_back() {
        let url = "https://g.example/v1beta/m:streamGenerateContent?alt=sse&key=AIza%2Fx&q=a%20b#top";
        let mut bare = url.to_owned();
        let taken = split_query_secrets(&mut bare);
        assert_eq!(bare, "https://g.example/v1beta/m:streamGenerateContent?alt=sse&key=&q=a%20b#top");
        assert_eq!(taken, [("key".to_owned(), "AIza%2Fx".to_owned())]);
        assert_eq!(
            mask_query_secrets(url),
            "https://g.example/v1beta/m:streamGenerateContent?alt=sse&key=***&q=a%20b#top"
        );
        restore_query_secrets(&mut bare, taken);
        assert_eq!(bare, url);
        let mut plain = "http://h/events?stream=messages".to_owned();
        assert!(split_query_secrets(&mut plain).is_empty());
        assert_eq!(plain, "http://h/events?stream=messages");
    }
}
