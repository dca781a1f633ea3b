//! The subscriber's parser on arbitrary bytes cut into arbitrary chunks: no panic, events
//! within the size limit, and the same events however the bytes are cut.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    sse_subscriber::fuzzing::parse_in_chunks(input);
});
