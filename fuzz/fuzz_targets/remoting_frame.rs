//! Fuzz target: see `mini_rocketmq::fuzzing::remoting_frame`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::remoting_frame(data));
