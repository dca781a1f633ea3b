//! A tap as the user sets it up in the window: where it forwards to, what it adds to each
//! request, how it trusts an `https://` upstream, and the port it listens on.

use serde::{Deserialize, Serialize};
use sse_tap::{TapConfig, TapError};

use crate::spec::{HeaderField, TlsOptions};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct TapSpec {
    /// How the list names it; empty: by its upstream.
    pub name: String,
    /// `http(s)://host:port/base`: a request for `/x` goes to `/base/x`.
    pub upstream: String,
    /// Added to every forwarded request (replacing the client's header of that name).
    pub headers: Vec<HeaderField>,
    pub tls: TlsOptions,
    /// The loopback port it listened on last (kept, so the app under test need not change);
    /// none: any free port.
    pub port: Option<u16>,
}

impl TapSpec {
    /// The tap's configuration, or what is wrong with the spec.
    pub fn to_config(&self) -> Result<TapConfig, TapError> {
        let mut config = TapConfig::new(self.upstream.trim())?;
        for header in self.headers.iter().filter(|h| !h.name.trim().is_empty()) {
            config.add_header(&format!("{}: {}", header.name.trim(), header.value))?;
        }
        config.insecure = self.tls.insecure;
        let ca_file = self.tls.ca_file.trim();
        if !ca_file.is_empty() {
            config.extra_ca = Some(ca_file.into());
        }
        Ok(config)
    }

    /// How messages name it: its name, else its upstream.
    pub fn display_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_owned();
        }
        self.upstream.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec becomes the tap's configuration: upstream, headers (blank rows skipped) and TLS.
    #[test]
    fn a_spec_becomes_a_tap_configuration() {
        let spec = TapSpec {
            upstream: " https://api.example.com/v1 ".into(),
            headers: vec![HeaderField::new("X-Api-Key", "k"), HeaderField::new(" ", "")],
            tls: TlsOptions { insecure: true, ca_file: String::new() },
            ..TapSpec::default()
        };
        let config = spec.to_config().unwrap();
        assert_eq!(config.upstream.as_str(), "https://api.example.com/v1");
        assert_eq!(config.headers.len(), 1);
        assert_eq!(config.headers[0].0.as_str(), "x-api-key");
        assert!(config.insecure);
        assert_eq!(spec.display_name(), "https://api.example.com/v1");
    }

    /// A spec the tap cannot use says why: the URL, or the header.
    #[test]
    fn a_bad_spec_says_what_is_wrong() {
        let no_scheme = TapSpec { upstream: "localhost:8080".into(), ..TapSpec::default() };
        assert!(no_scheme.to_config().unwrap_err().to_string().contains("invalid upstream URL"));
        let bad_header = TapSpec {
            upstream: "http://127.0.0.1:1/".into(),
            headers: vec![HeaderField::new("Bad Name", "x")],
            ..TapSpec::default()
        };
        assert!(bad_header.to_config().unwrap_err().to_string().contains("invalid header"));
    }
}
