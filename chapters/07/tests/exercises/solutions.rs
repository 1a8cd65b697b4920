//! Reference answers to chapter 07's exercises. Spoilers: try first.

/// Two: the counter goes on from 5, and nothing remembers that broker-b
/// failed. Message 4 takes 6 → broker-a/q1; message 5 takes 7 → broker-b/q0,
/// fails, and its retry skips 8 and 9 (broker-b/q1, q2) to 10 → broker-a/q0;
/// message 6 takes 11 → broker-a/q1; message 7 repeats message 5's story
/// (12 fails, 13 and 14 skipped, 15); message 8 takes 16 → broker-a/q1.
/// Three of every five queues are broker-b's, so without a memory of
/// failures two sends in five pay a failed attempt first. Chapter 08 gives
/// the producer that memory.
pub const EXERCISE_1_RETRIED_SENDS: Option<usize> = Some(2);
/// All five: every retry finds broker-a.
pub const EXERCISE_1_STORED: Option<usize> = Some(5);

/// Yes: the client id is `clientIP@instanceName`, the same for both, and
/// `MQClientManager` hands out one instance per client id.
pub const EXERCISE_2_SHARED_INSTANCE: Option<bool> = Some(true);
/// Yes: the routes are the instance's, but each producer has its own
/// `topicPublishInfoTable`, and ProducerGroupB's has no TopicTest. The
/// instance asks the name server, finds the route unchanged, and builds the
/// publish info anyway because a producer lacks it ("route unchanged, but a
/// producer lacks it").
pub const EXERCISE_2_ASKS_NAME_SERVER: Option<bool> = Some(true);
/// No: an instance holds one producer per group, and `registerProducer`
/// refuses the second ("The producer group[ProducerGroupA] has been created
/// before"). A different instanceName would give it its own instance.
pub const EXERCISE_2_SAME_GROUP_STARTS: Option<bool> = Some(false);

// Exercise 3 (change the code, read the trace). With `None` in place of
// `last_broker_name.as_deref()`, the retry of message 3 no longer skips
// broker-b: it takes sendWhichQueue=4 -> broker-b/q2, fails a second time,
// and only the third attempt, sendWhichQueue=5 -> broker-a/q0, is stored:
// "times=2: SEND_OK, brokersSent=[broker-b, broker-b, broker-a]". With three
// broker-b queues in a row, one more would have used up all three attempts.

/// Three: every queue of TopicB is broker-b's, so skipping broker-b leaves
/// nothing, and `selectOneMessageQueue` falls back to the next queue anyway
/// (a one-broker topic must still be sendable). Every attempt goes to the
/// dead broker.
pub const EXERCISE_4_ATTEMPTS: Option<usize> = Some(3);
/// No: "Send [3] times, still failed". Retries help only when the topic has
/// queues on a broker that is up; that is why production topics live on
/// more than one broker.
pub const EXERCISE_4_SUCCEEDS: Option<bool> = Some(false);
