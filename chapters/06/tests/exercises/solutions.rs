//! Reference answers to chapter 06's exercises (`--features solutions`).

/// Held at 7 s for 15 s: due at 22 s, but only the 5-second checks look, and
/// the first check at or after 22 s is the one at 25 s.
pub const EXERCISE_1_ANSWERED_AT_MS: Option<u64> = Some(25_000);

/// Without long polling the pull is held `shortPollingTimeMills` (1 s) and
/// the service checks every 1 s: the check at 8 s answers it.
pub const EXERCISE_2_ANSWERED_AT_MS: Option<u64> = Some(8_000);

/// The TagB arrival does not wake a TagA pull (its hash is not subscribed),
/// but the check at 10 s knows no tag and wakes every pull below the max
/// offset; the re-run finds only TagB: NO_MATCHED_MESSAGE, which the
/// consumer reads as NO_MATCHED_MSG.
pub const EXERCISE_3_ANSWER: Option<(u64, &str)> = Some((10_000, "NO_MATCHED_MSG"));
