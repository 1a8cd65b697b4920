//! Fuzz target: see `mini_rocketmq::fuzzing::batch_body`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::batch_body(data));
