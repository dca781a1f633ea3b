//! The broker's first look at a connection: arbitrary bytes as a request head, and its Host.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    embedded_server::fuzzing::request_head(input);
});
