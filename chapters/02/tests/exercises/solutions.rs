//! Reference answers to chapter 02's exercises. Spoilers: try first.

/// Yes: the registration carries broker-b's whole topic table, and the name
/// server rebuilds `topicQueueTable[TopicB]` from it.
pub const EXERCISE_2_TOPIC_B_ROUTABLE: Option<bool> = Some(true);
/// Yes: the scan removed every row of broker-b, so the name server has no
/// memory of it; to the tables it is a broker they have never seen.
pub const EXERCISE_2_FIRST_REGISTRATION: Option<bool> = Some(true);

// Exercise 6 (no test: a question to think through). Two removal paths
// drift apart as the code changes: one learns to drop filter servers and the
// other forgets; one cleans a topic whose last broker left and the other
// leaves an empty map that routes nowhere; one takes the write lock around
// all five tables and the other around four, so a lookup can see a broker in
// `brokerAddrTable` with no live entry. And every later feature (batched
// unregistration, notifying the remaining members of a broker name) would
// have to be written twice. One path means a silent broker and a departing
// one always leave the tables in the same state.
