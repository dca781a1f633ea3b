//! Replays the kept fuzzing corpus for the server's request-head handling (`fuzz/corpus/
//! request_head`), so every input the fuzzer found stays a regression test.

use std::path::PathBuf;

/// No request head the fuzzer found makes the server's first look at a connection panic, and
/// the seed subscribe request is still recognised.
#[test]
fn the_request_head_corpus_replays_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/request_head");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("corpus entry").path();
        let input = std::fs::read(&path).expect("corpus file");
        let replay = std::panic::catch_unwind(|| embedded_server::fuzzing::request_head(&input));
        assert!(replay.is_ok(), "{} fails", path.display());
        count += 1;
    }
    assert!(count > 0, "no corpus in {}", dir.display());
    let seed = std::fs::read(dir.join("seed-subscribe")).expect("the seed");
    assert!(embedded_server::fuzzing::request_head(&seed));
}
