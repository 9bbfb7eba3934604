//! Fuzz target: `carekey_core::fuzzing::envelope` (its doc says what must hold).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| carekey_core::fuzzing::envelope(data));
