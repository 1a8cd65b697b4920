//! Fuzz target: see `mini_rocketmq::fuzzing::commit_log_record`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::commit_log_record(data));
