//! `--expect` (a live stream or, with `--capture`, a recorded one) and `--expect-from`.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sse_capture::{read_capture, Capture};
use sse_expect::{check_capture, generate, junit_xml, text_report, Checker, Expectations, GenerateOptions};
use sse_subscriber::cli::{seconds, Args, CliError};
use sse_subscriber::expect::{check_stream, exit_code, CheckOptions};

/// Bad arguments or a file with a mistake.
const BAD_INPUT: u8 = 2;
/// The stream could not be read.
const UNREADABLE: u8 = 4;

fn refuse(message: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("sse-sub: {message}");
    ExitCode::from(code)
}

fn read_capture_file(path: &Path) -> Result<Capture, String> {
    let file = File::open(path).map_err(|e| format!("cannot read the capture {}: {e}", path.display()))?;
    read_capture(BufReader::new(file)).map_err(|e| format!("capture {}: {e}", path.display()))
}

/// `--expect-from CAPTURE`: the generated file on stdout.
pub fn generate_from(args: &Args, capture_path: &Path) -> ExitCode {
    let capture = match read_capture_file(capture_path) {
        Ok(capture) => capture,
        Err(message) => return refuse(message, BAD_INPUT),
    };
    let options = GenerateOptions {
        events: args.count.unwrap_or(GenerateOptions::default().events),
        tolerance: args.tolerance,
        // A capture file does not say whether the stream ended: fewer events than asked is taken as all of it.
        whole: None,
        source: capture_path.display().to_string(),
    };
    match generate(&capture, &options) {
        Ok(file) => match io::stdout().lock().write_all(file.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => refuse(format!("cannot write output: {error}"), 1),
        },
        Err(error) => refuse(format!("{}: {error}", capture_path.display()), BAD_INPUT),
    }
}

/// `--expect FILE`: checks a live stream, or the `--capture`, and reports.
pub async fn check(args: &Args, expect_path: &Path) -> ExitCode {
    let expectations = match Expectations::read(expect_path) {
        Ok(expectations) => expectations,
        Err(error) => return refuse(format!("{}: {error}", expect_path.display()), BAD_INPUT),
    };
    let started = Instant::now();
    let checker = match &args.capture {
        Some(capture_path) => match read_capture_file(capture_path) {
            Ok(capture) => check_capture(expectations, &capture),
            Err(message) => return refuse(message, BAD_INPUT),
        },
        None => match live(args, expectations).await {
            Ok(checker) => checker,
            Err(code) => return code,
        },
    };
    report(args, expect_path, &checker, started.elapsed())
}

async fn live(args: &Args, expectations: Expectations) -> Result<Checker, ExitCode> {
    let usage = |error: CliError| match error {
        CliError::Usage(message) => refuse(message, BAD_INPUT),
        CliError::Request(error) => refuse(error, UNREADABLE),
    };
    let request = args.request().map_err(usage)?;
    let timeout = match args.timeout {
        Some(secs) => seconds(secs, "--timeout").map_err(usage)?,
        None => CheckOptions::default().timeout,
    };
    for warning in args.warnings() {
        eprintln!("sse-sub: warning: {warning}");
    }
    let options = CheckOptions { timeout, keep_going: args.keep_going };
    check_stream(request, expectations, options).await.map_err(|error| refuse(error, UNREADABLE))
}

fn report(args: &Args, expect_path: &Path, checker: &Checker, elapsed: Duration) -> ExitCode {
    print!("{}", text_report(checker.outcomes()));
    if let Some(junit_path) = &args.junit {
        let suite = expect_path.file_name().map_or("expectations".into(), |n| n.to_string_lossy());
        let xml = junit_xml(&suite, checker.outcomes(), elapsed);
        if let Err(error) = std::fs::write(junit_path, xml) {
            return refuse(format!("cannot write --junit {}: {error}", junit_path.display()), BAD_INPUT);
        }
    }
    ExitCode::from(exit_code(checker))
}
