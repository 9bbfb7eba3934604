//! Fuzz target: `carekey_server::fuzzing::contact` (its doc says what must hold).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| carekey_server::fuzzing::contact(data));
