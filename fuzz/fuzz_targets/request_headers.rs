//! Fuzz target: see `mini_rocketmq::fuzzing::request_headers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::request_headers(data));
