//! Reference solutions to this chapter's exercises (`tests/exercises.rs`).
//! Compiled only with `--features solutions`; try the exercises first.

use std::sync::Arc;

use crate::client::pull_result::PullResult;
use crate::common::message_const::PROPERTY_TAGS;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::{RemotingCommand, required, required_parsed};
use crate::remoting::protocol::header::pull::PullMessageRequestHeader;
use crate::remoting::protocol::heartbeat::subscription_data::SubscriptionData;
use crate::remoting::server::RemotingServer;
use crate::remoting::transport::{Channel, RequestProcessor};
use crate::store::message_store::DefaultMessageStore;

/// Exercise 1: `PullAPIWrapper#processPullResult` — the broker filtered by
/// hash code; keep only messages whose tag string is subscribed.
pub(crate) fn process_pull_result(
    mut result: PullResult,
    header: &PullMessageRequestHeader,
) -> PullResult {
    let expression = header.subscription.as_deref().unwrap_or("");
    let sub = SubscriptionData::build(&header.topic, expression, header.sub_version);
    if !sub.is_sub_all() {
        result.msg_found_list.retain(|m| {
            m.msg
                .properties
                .get(PROPERTY_TAGS)
                .is_some_and(|tag| sub.tags_set.contains(tag))
        });
    }
    result
}

/// Exercise 2: fastjson writes `Map<Integer, Long>` keys bare, `{0:3}`.
/// Quote every bare integer key (a digit run right after `{` or `,` and
/// before `:`, outside strings) so serde can read it.
pub(crate) fn quote_integer_keys(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let (mut in_string, mut escaped, mut after_open) = (false, false, false);
    let chars: Vec<char> = json.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
            i += 1;
            continue;
        }
        if after_open && (c.is_ascii_digit() || c == '-') {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '-') {
                i += 1;
            }
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            if chars.get(j) == Some(&':') {
                out.push('"');
                out.push_str(&digits);
                out.push('"');
            } else {
                out.push_str(&digits);
            }
            after_open = false;
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | ',' => after_open = true,
            c if c.is_whitespace() => {}
            _ => after_open = false,
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Exercise 3: GET_MAX_OFFSET (30) and GET_MIN_OFFSET (31).
struct OffsetQueryProcessor {
    message_store: Arc<DefaultMessageStore>,
}

impl RequestProcessor for OffsetQueryProcessor {
    fn process_request(&self, _channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let ext = &request.ext_fields;
        let (topic, queue_id) = match (
            required(ext, "topic"),
            required_parsed::<i32>(ext, "queueId"),
        ) {
            (Ok(topic), Ok(queue_id)) => (topic, queue_id),
            (Err(e), _) | (_, Err(e)) => {
                return RemotingCommand::create_response_command(
                    response_code::SYSTEM_ERROR,
                    Some(e.to_string()),
                );
            }
        };
        let offset = match request.code {
            request_code::GET_MAX_OFFSET => {
                self.message_store.get_max_offset_in_queue(&topic, queue_id)
            }
            _ => self.message_store.get_min_offset_in_queue(&topic, queue_id),
        };
        let mut response = RemotingCommand::create_response_command(response_code::SUCCESS, None);
        response
            .ext_fields
            .insert("offset".to_string(), offset.to_string());
        response
    }
}

pub(crate) fn register_processor(
    server: &mut RemotingServer,
    message_store: Arc<DefaultMessageStore>,
) {
    let processor = Arc::new(OffsetQueryProcessor { message_store });
    server.register_processor(request_code::GET_MAX_OFFSET, processor.clone());
    server.register_processor(request_code::GET_MIN_OFFSET, processor);
}
