//! "Copy as sse-sub" checked by `sse-sub` itself: each command line is split as a POSIX shell
//! would, parsed with sse-sub's own argument definition, and must describe the very request
//! the connection makes.

use clap::Parser;
use sse_connections::{sse_sub_command, Auth, ConnectionSpec, HeaderField, ReconnectOptions, TlsOptions};
use sse_subscriber::cli::Args;

/// Splits a command line as `sh` does for the quoting `shell_quote` writes: single quotes,
/// backslash escapes outside them, words separated by spaces.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for quoted in chars.by_ref() {
                    if quoted == '\'' {
                        break;
                    }
                    word.push(quoted);
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            ' ' if in_word => {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
            ' ' => {}
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn specs() -> Vec<ConnectionSpec> {
    let full = ConnectionSpec {
        url: "https://api.example.com/v1/chat?x=1&y='2'".into(),
        method: "post".into(),
        headers: vec![
            HeaderField::new("Content-Type", "application/json"),
            HeaderField::new("X-Note", "it's $HOME; `rm`"),
            HeaderField::new("X-Note", "twice"),
        ],
        body: r#"{"q":"it's","stream":true}"#.into(),
        auth: Auth::Bearer { token: "sk-1 2".into() },
        tls: TlsOptions { insecure: true, ca_file: "/etc/my ca.pem".into() },
        reconnect: ReconnectOptions {
            enabled: false,
            retry_http_errors: true,
            connect_timeout_secs: 2.5,
            idle_timeout_secs: 30.0,
        },
        ..ConnectionSpec::default()
    };
    vec![
        ConnectionSpec {
            url: "http://127.0.0.1:8080/events?stream=messages".into(),
            ..ConnectionSpec::default()
        },
        ConnectionSpec {
            auth: Auth::Basic { user: "user".into(), password: "p:w 'x'".into() },
            ..full.clone()
        },
        ConnectionSpec { method: "PUT".into(), body: String::new(), ..full.clone() },
        // Ollama's native API streams NDJSON: the copy says --ndjson (and --llm auto).
        ConnectionSpec { url: "http://127.0.0.1:11434/api/chat".into(), ..full.clone() },
        // A provider chosen for the LLM panel: the copy says --llm anthropic.
        ConnectionSpec { llm: "anthropic".into(), ..full.clone() },
        full,
    ]
}

/// Every copied sse-sub command, parsed by sse-sub's arguments, makes the connection's request.
#[test]
fn copied_sse_sub_commands_make_the_same_request() {
    for spec in specs() {
        let line = sse_sub_command(&spec);
        let words = shell_words(&line);
        assert_eq!(words[0], "sse-sub", "{line}");
        if spec.llm == "anthropic" {
            assert!(line.contains(" --llm anthropic "), "{line}");
        }
        let args = Args::try_parse_from(&words).unwrap_or_else(|e| panic!("{line}: {e}"));
        let described = args.request().unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(described, spec.to_request().unwrap(), "{line}");
    }
}

/// The comparison can fail: a spec changed after copying no longer matches its command.
#[test]
fn a_changed_spec_does_not_match_its_old_command() {
    let spec = specs().remove(5);
    let args = Args::try_parse_from(shell_words(&sse_sub_command(&spec))).unwrap();
    let changed = ConnectionSpec { headers: vec![HeaderField::new("X-Other", "1")], ..spec };
    assert_ne!(args.request().unwrap(), changed.to_request().unwrap());
}
