//! Fuzz target: see `mini_rocketmq::fuzzing::fastjson_reader`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::fastjson_reader(data));
