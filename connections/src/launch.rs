//! `sse-monitor [--url URL [-H 'Name: value']...]`: what the app opens on.

use clap::Parser;
use sse_subscriber::parse_header_line;

use crate::error::SpecError;
use crate::presets::embedded_counter;
use crate::spec::{ConnectionSpec, HeaderField};

/// The app's command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "sse-monitor",
    version,
    about = "Start, watch, debug and compare Server-Sent Events streams"
)]
pub struct LaunchOptions {
    /// Open subscribed to this SSE URL instead of the embedded server's counter.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// A request header for --url, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", requires = "url")]
    pub headers: Vec<String>,
    /// Events each connection keeps for the inspector; older ones are dropped (and counted).
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub keep_events: u32,
    /// The embedded server also publishes N events per second on the stream `load` (each
    /// event's data is its publish time in ns), and the app opens on it: for benchmarks, so
    /// not in `--help`.
    #[arg(long, value_name = "N", conflicts_with = "url", hide = true)]
    pub load_rate: Option<u64>,
    /// Send each event to the UI as its own IPC message instead of in batches per frame
    /// (the benchmark's baseline; not in `--help`).
    #[arg(long, hide = true)]
    pub ipc_unbatched: bool,
}

impl LaunchOptions {
    /// The connection to open at launch: `--url` with its headers, else the counter at
    /// `counter_url`. A bad URL or header is an error to report before the window opens.
    pub fn initial_connection(&self, counter_url: &str) -> Result<ConnectionSpec, SpecError> {
        let Some(url) = &self.url else { return Ok(embedded_counter(counter_url)) };
        let mut spec = ConnectionSpec { url: url.clone(), ..ConnectionSpec::default() };
        for line in &self.headers {
            parse_header_line(line)?; // checked here, kept as typed: names keep their case
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            spec.headers.push(HeaderField::new(name.trim(), value.trim()));
        }
        spec.to_request()?;
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<LaunchOptions, clap::Error> {
        LaunchOptions::try_parse_from(std::iter::once("sse-monitor").chain(args.iter().copied()))
    }

    #[test]
    fn no_arguments_open_the_counter() {
        let spec =
            parse(&[]).unwrap().initial_connection("http://127.0.0.1:1/events?stream=messages").unwrap();
        assert_eq!(spec.url, "http://127.0.0.1:1/events?stream=messages");
        assert_eq!(spec.name, "Embedded counter");
    }

    #[test]
    fn url_and_headers_open_that_server() {
        let options = parse(&["--url", "http://h:9/events", "-H", "X-Token: secret", "-H", "A:b"]).unwrap();
        let spec = options.initial_connection("unused").unwrap();
        assert_eq!(spec.url, "http://h:9/events");
        assert_eq!(spec.headers, [HeaderField::new("X-Token", "secret"), HeaderField::new("A", "b")]);
    }

    #[test]
    fn inspector_options_have_defaults_and_limits() {
        let options = parse(&[]).unwrap();
        assert_eq!((options.keep_events, options.load_rate, options.ipc_unbatched), (100_000, None, false));
        assert_eq!(options.keep_events as usize, sse_inspector::CaptureLimits::default().keep_events);
        let options =
            parse(&["--keep-events", "1000000", "--load-rate", "10000", "--ipc-unbatched"]).unwrap();
        assert_eq!(
            (options.keep_events, options.load_rate, options.ipc_unbatched),
            (1_000_000, Some(10_000), true)
        );
        assert!(parse(&["--keep-events", "0"]).is_err());
        assert!(parse(&["--load-rate", "5", "--url", "http://h/"]).is_err());
    }

    /// The benchmark switches work but are not offered to users.
    #[test]
    fn benchmark_switches_are_hidden_from_help() {
        use clap::CommandFactory;
        let help = LaunchOptions::command().render_long_help().to_string();
        assert!(help.contains("--keep-events") && help.contains("--url"), "{help}");
        assert!(!help.contains("--load-rate") && !help.contains("--ipc-unbatched"), "{help}");
    }

    #[test]
    fn bad_launch_arguments_are_errors() {
        assert!(parse(&["-H", "X: y"]).is_err(), "a header needs --url");
        let bad_header = parse(&["--url", "http://h/", "-H", "no colon"]).unwrap();
        assert!(bad_header.initial_connection("").unwrap_err().to_string().contains("Name: value"));
        let bad_url = parse(&["--url", "nope"]).unwrap();
        assert!(bad_url.initial_connection("").is_err());
    }
}
