//! Replays the kept fuzzing corpus (`fuzz/corpus/`) through the code the fuzz targets run, so
//! every input the fuzzer found interesting stays a regression test without a nightly
//! toolchain: the parser on chunked input, and the broker's encoding parsed back.

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .map(|path| {
            let bytes = std::fs::read(&path).expect("corpus file");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no corpus in {}", dir.display());
    inputs
}

/// Every parser input found by fuzzing parses without a panic, the same in any chunking.
#[test]
fn the_parser_corpus_replays_cleanly() {
    for (path, input) in corpus("parser") {
        let replay = std::panic::catch_unwind(|| sse_subscriber::fuzzing::parse_in_chunks(&input));
        assert!(replay.is_ok(), "{} fails", path.display());
    }
}

/// Every encoding input found by fuzzing parses back to what was published.
#[test]
fn the_encode_parse_corpus_round_trips() {
    for (path, input) in corpus("encode_parse") {
        let replay = std::panic::catch_unwind(|| {
            sse_subscriber::fuzzing::check_encoded(embedded_server::fuzzing::encode(&input));
        });
        assert!(replay.is_ok(), "{} fails", path.display());
    }
}
