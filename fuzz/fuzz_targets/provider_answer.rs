//! Fuzz target: `carekey_server::fuzzing::provider_answer` (its doc says what must hold).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| carekey_server::fuzzing::provider_answer(data));
