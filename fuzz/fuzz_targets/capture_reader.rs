//! The capture reader on any bytes: never a panic, and what it reads writes back to a fixed point.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    sse_capture::fuzzing::read_then_rewrite(input);
});
