//! Reference solutions to this chapter's exercises (`tests/exercises.rs`).
//! Compiled only with `--features solutions`; try the exercises first.

use crate::broker::processor::admin_broker_processor::AdminBrokerProcessor;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::config_manager::ConfigManager;
use crate::common::topic_validator::{
    AUTO_CREATE_TOPIC_KEY_TOPIC, RMQ_SYS_BENCHMARK_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
    RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_SELF_TEST_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC,
    RMQ_SYS_TRANS_OP_HALF_TOPIC,
};
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::{RemotingCommand, required};

/// Answers the requests the exercises add; `None` leaves the request to the
/// processor as the chapter wrote it.
pub(crate) fn admin_broker_processor(
    processor: &AdminBrokerProcessor,
    request: &RemotingCommand,
) -> Option<RemotingCommand> {
    let manager = &processor.topic_config_manager;
    match request.code {
        // Exercise 1: no topic may take a system topic's name.
        request_code::UPDATE_AND_CREATE_TOPIC => {
            let topic = request.ext_fields.get("topic")?;
            is_system_topic(topic).then(|| {
                RemotingCommand::create_response_command(
                    response_code::SYSTEM_ERROR,
                    Some(format!("The topic[{topic}] is conflict with system topic.")),
                )
            })
        }
        // Exercise 2: DELETE_TOPIC_IN_BROKER.
        request_code::DELETE_TOPIC_IN_BROKER => {
            Some(match required(&request.ext_fields, "topic") {
                Ok(topic) => {
                    delete_topic_config(manager, &topic);
                    RemotingCommand::create_response_command(response_code::SUCCESS, None)
                }
                Err(e) => RemotingCommand::create_response_command(
                    response_code::SYSTEM_ERROR,
                    Some(e.to_string()),
                ),
            })
        }
        // Exercise 3: GET_ALL_TOPIC_CONFIG.
        request_code::GET_ALL_TOPIC_CONFIG => {
            let body = manager.encode();
            Some(
                RemotingCommand::create_response_command(response_code::SUCCESS, None)
                    .with_body(body),
            )
        }
        _ => None,
    }
}

/// `TopicValidator#isSystemTopic`: one of the names every broker creates, or
/// any name under the `rmq_sys_` prefix.
fn is_system_topic(topic: &str) -> bool {
    [
        AUTO_CREATE_TOPIC_KEY_TOPIC,
        RMQ_SYS_SCHEDULE_TOPIC,
        RMQ_SYS_BENCHMARK_TOPIC,
        RMQ_SYS_TRANS_HALF_TOPIC,
        RMQ_SYS_TRANS_OP_HALF_TOPIC,
        RMQ_SYS_SELF_TEST_TOPIC,
        RMQ_SYS_OFFSET_MOVED_EVENT,
    ]
    .contains(&topic)
        || topic.starts_with("rmq_sys_")
}

/// `TopicConfigManager#deleteTopicConfig`: remove, bump the version, persist.
fn delete_topic_config(manager: &TopicConfigManager, topic: &str) {
    let removed = {
        let mut table = manager.lock();
        let removed = table.topic_config_table.remove(topic).is_some();
        if removed {
            table.data_version.next_version();
        }
        removed
    };
    if removed {
        manager.persist_and_trace();
    }
}
