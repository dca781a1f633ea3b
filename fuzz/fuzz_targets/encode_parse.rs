//! Differential: any event the broker encodes parses back to the same type and data (line
//! breaks as LF) with the subscriber's parser, as exactly one event.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    sse_subscriber::fuzzing::check_encoded(embedded_server::fuzzing::encode(input));
});
