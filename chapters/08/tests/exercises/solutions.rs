//! Reference answers to chapter 08's exercises. Spoilers: try first.

/// Three: messages 3, 5 and 7 each start on a broker-b queue. With the
/// strategy on, message 5 (t=7 s) falls inside broker-b's time out and its
/// walk steps over broker-b's three queues (sendWhichQueue 7, 8, 9) to
/// broker-a/q0, so only messages 3 and 7 fail first.
pub const EXERCISE_1_FAILED_ATTEMPTS_WHEN_OFF: Option<usize> = Some(3);
/// 2000: 600 ms reaches latencyMax[2] = 550, so notAvailableDuration[2].
pub const EXERCISE_2_AFTER_600_MS: Option<u64> = Some(2000);
/// 6000: 3500 ms reaches latencyMax[4] = 3000, so notAvailableDuration[4].
pub const EXERCISE_2_AFTER_3500_MS: Option<u64> = Some(6000);
