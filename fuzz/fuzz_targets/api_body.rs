//! Fuzz target: `carekey_server::fuzzing::api_body` (its doc says what must hold).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| carekey_server::fuzzing::api_body(data));
