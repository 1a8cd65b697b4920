//! Fuzz target: see `mini_rocketmq::fuzzing::broker_conf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::broker_conf(data));
