//! Message commands — Java `QueryMsgByIdSubCommand`, `QueryMsgByKeySubCommand`,
//! `QueryMsgByOffsetSubCommand`, `SendMessageCommand`, `ConsumeMessageCommand`.

use bytes::Bytes;
use mini_rocketmq::client::mq_admin_impl::MQAdminImpl;
use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::client::{ClientConfig, MQClientError, MQResult};
use mini_rocketmq::common::message::{Message, MessageExt};
use mini_rocketmq::common::message_decoder;
use mini_rocketmq::common::message_queue::MessageQueue;
use mini_rocketmq::common::mix_all;
use mini_rocketmq::common::sysflag::PullSysFlag;
use mini_rocketmq::remoting::code::response_code;
use mini_rocketmq::remoting::protocol::header::PullMessageRequestHeader;
use serde_json::json;

use crate::admin::Admin;
use crate::table::{Report, Table};

/// Body text for a terminal: UTF-8 with replacement characters, cut at
/// `max` characters so one large message does not flood the screen.
fn body_preview(body: &Bytes, max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    } else {
        text.into_owned()
    }
}

/// Java `printMsg`: every field of one message, one per line.
fn message_detail(msg: &MessageExt) -> (String, serde_json::Value) {
    let rows = [
        ("OffsetID", msg.msg_id.clone()),
        ("MsgId", msg.client_msg_id().to_string()),
        ("Topic", msg.topic.clone()),
        ("Tags", format!("[{}]", msg.tags().unwrap_or(""))),
        ("Keys", format!("[{}]", msg.keys().unwrap_or(""))),
        ("Queue ID", msg.queue_id.to_string()),
        ("Queue Offset", msg.queue_offset.to_string()),
        ("CommitLog Offset", msg.commit_log_offset.to_string()),
        ("Reconsume Times", msg.reconsume_times.to_string()),
        (
            "Born Timestamp",
            crate::format_timestamp(msg.born_timestamp),
        ),
        (
            "Store Timestamp",
            crate::format_timestamp(msg.store_timestamp),
        ),
        ("Born Host", msg.born_host.to_string()),
        ("Store Host", msg.store_host.to_string()),
        ("System Flag", msg.sys_flag.to_string()),
        ("Properties", format!("{:?}", msg.properties)),
        ("Message Body", body_preview(&msg.body, 4096)),
    ];
    let mut text = String::new();
    for (name, value) in &rows {
        text.push_str(&format!("{:<20}{}\n", format!("{name}:"), value));
    }
    let json = json!({
        "offsetMsgId": msg.msg_id, "msgId": msg.client_msg_id(), "topic": msg.topic,
        "tags": msg.tags(), "keys": msg.keys(), "queueId": msg.queue_id,
        "queueOffset": msg.queue_offset, "commitLogOffset": msg.commit_log_offset,
        "reconsumeTimes": msg.reconsume_times, "bornTimestamp": msg.born_timestamp,
        "storeTimestamp": msg.store_timestamp, "bornHost": msg.born_host.to_string(),
        "storeHost": msg.store_host.to_string(), "sysFlag": msg.sys_flag,
        "properties": msg.properties, "body": String::from_utf8_lossy(&msg.body),
    });
    (text, json)
}

/// `queryMsgById -i ID [-t T]`: by the broker's offset id (which names the
/// broker and CommitLog offset), or — with a topic — by the client's
/// UNIQ_KEY through the broker's index.
pub async fn query_msg_by_id(admin: &Admin, msg_id: &str, topic: Option<&str>) -> MQResult<Report> {
    let query = MQAdminImpl::new(&admin.instance);
    if let Some(topic) = topic {
        // Not found by UNIQ_KEY (or no index on the broker): try it as an
        // offset id below.
        let found = query
            .query_message(topic, msg_id, 32, 0, i64::MAX, true)
            .await
            .unwrap_or_default();
        if let Some(msg) = found.first() {
            let (text, json) = message_detail(msg);
            return Ok(Report::new(text, json));
        }
    }
    match query.view_message(msg_id).await {
        Ok(msg) => {
            let (text, json) = message_detail(&msg);
            Ok(Report::new(text, json))
        }
        // The id names the broker that stored the message (its brokerIP1
        // and port); that address may not be reachable from here.
        Err(MQClientError::Remoting(e)) if topic.is_none() => {
            let addr = message_decoder::decode_message_id(msg_id)
                .map(|id| id.address.to_string())
                .unwrap_or_else(|_| "?".to_string());
            // Either code makes the exit code 3: unreachable.
            let code = match e.response_code() {
                response_code::RPC_TIME_OUT => response_code::RPC_TIME_OUT,
                _ => response_code::RPC_SEND_TO_CHANNEL_FAILED,
            };
            Err(MQClientError::client_with_code(
                code,
                format!(
                    "cannot reach {addr}, the broker address inside the offset id {msg_id}: {e}. \
                     `-t TOPIC` looks the message up through the topic's brokers instead"
                ),
            ))
        }
        Err(e) if topic.is_some() => Err(MQClientError::client_with_code(
            response_code::QUERY_NOT_FOUND,
            format!("message {msg_id} not found by UNIQ_KEY nor as an offset id ({e})"),
        )),
        Err(e) => Err(e),
    }
}

/// `queryMsgByKey -t T -k KEY [-b BEGIN_MS] [-e END_MS] [-c MAX]`.
pub async fn query_msg_by_key(
    admin: &Admin,
    topic: &str,
    key: &str,
    begin_ms: i64,
    end_ms: i64,
    max_num: i32,
) -> MQResult<Report> {
    let found = MQAdminImpl::new(&admin.instance)
        .query_message(topic, key, max_num, begin_ms, end_ms, false)
        .await?;
    let mut table = Table::new(["Message ID", "QID", "Offset"]);
    let mut rows = Vec::new();
    for msg in &found {
        table.row([
            msg.client_msg_id().to_string(),
            msg.queue_id.to_string(),
            msg.queue_offset.to_string(),
        ]);
        rows.push(
            json!({ "msgId": msg.client_msg_id(), "offsetMsgId": msg.msg_id,
            "queueId": msg.queue_id, "queueOffset": msg.queue_offset }),
        );
    }
    Ok(Report::new(table.render(), json!(rows)))
}

/// One non-blocking pull of up to `max` messages (the tool never waits for
/// new messages: long polling is for consumers).
async fn pull_once(
    admin: &Admin,
    addr: &str,
    mq: &MessageQueue,
    offset: i64,
    max: i32,
) -> MQResult<(Vec<MessageExt>, i64)> {
    let header = PullMessageRequestHeader {
        consumer_group: mix_all::TOOLS_CONSUMER_GROUP.to_string(),
        topic: mq.topic.clone(),
        queue_id: mq.queue_id,
        queue_offset: offset,
        max_msg_nums: max,
        sys_flag: PullSysFlag::build_sys_flag(false, false, true, false),
        commit_offset: 0,
        suspend_timeout_millis: 0,
        subscription: Some("*".to_string()),
        sub_version: 0,
        expression_type: Some("TAG".to_string()),
        broker_name: Some(mq.broker_name.clone()),
        ..Default::default()
    };
    let (result, body) = admin
        .api()
        .pull_message(addr, header, admin.timeout)
        .await?;
    let msgs = message_decoder::decodes_batch(&body, true, true);
    Ok((msgs, result.next_begin_offset))
}

/// `queryMsgByOffset -t T -b BROKER -i QID -o OFFSET`.
pub async fn query_msg_by_offset(
    admin: &Admin,
    topic: &str,
    broker: &str,
    queue_id: i32,
    offset: i64,
) -> MQResult<Report> {
    let (broker_name, addr) = admin.resolve_broker(broker).await?;
    let mq = MessageQueue::new(topic, broker_name, queue_id);
    let (msgs, _) = pull_once(admin, &addr, &mq, offset, 1).await?;
    let msg = msgs.first().ok_or_else(|| {
        MQClientError::client_with_code(
            response_code::PULL_NOT_FOUND,
            format!("no message at offset {offset} of {mq}"),
        )
    })?;
    let (text, json) = message_detail(msg);
    Ok(Report::new(text, json))
}

/// `sendMessage -t T -p BODY [-k KEYS] [-c TAGS] [-b BROKER -i QID]`.
pub async fn send_message(
    admin: &Admin,
    topic: &str,
    body: &str,
    keys: Option<&str>,
    tags: Option<&str>,
    broker: Option<&str>,
    queue_id: Option<i32>,
) -> MQResult<Report> {
    let mut config = ClientConfig::with_namesrv(admin.api().name_server_address_list().join(";"));
    config.instance_name = format!("mqadmin-send-{}", std::process::id());
    config.mq_client_api_timeout = admin.timeout;
    let producer = DefaultMQProducer::builder()
        .producer_group(format!("mqadmin_send_{}", std::process::id()))
        .client_config(config)
        .build();
    // `-b` may name the broker or its address; the queue needs the name.
    let target = match (broker, queue_id) {
        (Some(broker), Some(queue_id)) => Some((admin.resolve_broker(broker).await?.0, queue_id)),
        (None, None) => None,
        _ => {
            return Err(MQClientError::client(
                "give both a broker (-b) and a queue id (-i), or neither",
            ));
        }
    };
    producer.start().await?;
    let mut msg = Message::new(topic, body.to_string());
    if let Some(tags) = tags {
        msg.set_tags(tags);
    }
    if let Some(keys) = keys {
        msg.set_keys(keys.split_whitespace());
    }
    let result = match target {
        Some((broker_name, queue_id)) => {
            producer
                .send_to_queue(msg, &MessageQueue::new(topic, broker_name, queue_id))
                .await
        }
        None => producer.send(msg).await,
    };
    producer.shutdown().await;
    let result = result?;
    let mut table = Table::new(["Broker Name", "QID", "Send Result", "MsgId"]);
    table.row([
        result.message_queue.broker_name.clone(),
        result.message_queue.queue_id.to_string(),
        result.send_status.to_string(),
        result.msg_id.clone(),
    ]);
    let json = json!({ "brokerName": result.message_queue.broker_name, "queueId": result.message_queue.queue_id,
        "sendStatus": result.send_status.as_str(), "msgId": result.msg_id, "offsetMsgId": result.offset_msg_id,
        "queueOffset": result.queue_offset });
    Ok(Report::new(table.render(), json))
}

/// "broker-a 0-3, broker-b 0-7": the queues of a route, per broker.
fn describe_queues(queues: &[MessageQueue]) -> String {
    let mut per_broker: std::collections::BTreeMap<&str, Vec<i32>> = Default::default();
    for mq in queues {
        per_broker
            .entry(&mq.broker_name)
            .or_default()
            .push(mq.queue_id);
    }
    if per_broker.is_empty() {
        return "none".to_string();
    }
    per_broker
        .iter()
        .map(|(broker, ids)| {
            let (min, max) = (ids.iter().min(), ids.iter().max());
            match (min, max) {
                (Some(min), Some(max)) if min != max => format!("{broker} {min}-{max}"),
                (Some(min), _) => format!("{broker} {min}"),
                _ => broker.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `consumeMessage -t T [-b BROKER -i QID] [-o OFFSET] [-c COUNT]`: reads
/// messages without committing anything (no consumer group is joined).
pub async fn consume_message(
    admin: &Admin,
    topic: &str,
    broker: Option<&str>,
    queue_id: Option<i32>,
    offset: Option<i64>,
    count: usize,
) -> MQResult<Report> {
    let masters = admin.masters_of_topic(topic).await?;
    let route = admin.route(topic).await?;
    let query = MQAdminImpl::new(&admin.instance);
    let broker_name = match broker {
        Some(b) => Some(admin.resolve_broker(b).await?.0),
        None => None,
    };
    let mut all: Vec<MessageQueue> =
        mini_rocketmq::client::topic_publish_info::topic_route_data_to_subscribe_info(
            topic, &route,
        );
    all.sort();
    let queues: Vec<MessageQueue> = all
        .iter()
        .filter(|mq| broker_name.as_ref().is_none_or(|b| *b == mq.broker_name))
        .filter(|mq| queue_id.is_none_or(|q| q == mq.queue_id))
        .cloned()
        .collect();
    if queues.is_empty() {
        // Say which queues there are rather than print an empty table.
        return Err(MQClientError::client_with_code(
            response_code::QUERY_NOT_FOUND,
            format!(
                "topic [{topic}] has no queue{}{}; its readable queues are {}",
                queue_id.map(|q| format!(" {q}")).unwrap_or_default(),
                broker_name
                    .as_ref()
                    .map(|b| format!(" on broker {b}"))
                    .unwrap_or_default(),
                describe_queues(&all)
            ),
        ));
    }
    let mut table = Table::new([
        "Broker Name",
        "QID",
        "Offset",
        "MsgId",
        "Tags",
        "Keys",
        "Body",
    ]);
    let mut rows = Vec::new();
    let mut taken = 0;
    'queues: for mq in &queues {
        let Some(addr) = masters.get(&mq.broker_name) else {
            continue;
        };
        let mut next = match offset {
            Some(o) => o,
            None => query.min_offset(mq).await?,
        };
        let max = query.max_offset(mq).await?;
        while next < max {
            let (msgs, next_begin) = pull_once(admin, addr, mq, next, 32).await?;
            if msgs.is_empty() {
                break;
            }
            for msg in msgs {
                if taken >= count {
                    break 'queues;
                }
                taken += 1;
                table.row([
                    mq.broker_name.clone(),
                    mq.queue_id.to_string(),
                    msg.queue_offset.to_string(),
                    msg.client_msg_id().to_string(),
                    msg.tags().unwrap_or("").to_string(),
                    msg.keys().unwrap_or("").to_string(),
                    body_preview(&msg.body, 64),
                ]);
                rows.push(json!({ "brokerName": mq.broker_name, "queueId": mq.queue_id,
                    "queueOffset": msg.queue_offset, "msgId": msg.client_msg_id(), "tags": msg.tags(),
                    "keys": msg.keys(), "body": String::from_utf8_lossy(&msg.body) }));
            }
            next = next_begin;
        }
    }
    Ok(Report::new(table.render(), json!(rows)))
}
