//! Consumer-group commands — Java `ConsumerProgressSubCommand`,
//! `ConsumerConnectionSubCommand`, `ResetOffsetByTimeCommand`.
//!
//! A group's state lives on the brokers that serve its retry topic
//! `%RETRY%<group>` (every broker the group's consumers heartbeat to creates
//! it), so that route is how these commands find the brokers to ask.

use std::collections::BTreeMap;

use mini_rocketmq::client::{MQClientError, MQResult};
use mini_rocketmq::common::message_queue::MessageQueue;
use mini_rocketmq::common::mix_all;
use mini_rocketmq::remoting::code::response_code;
use mini_rocketmq::remoting::protocol::body::consume_stats::OffsetWrapper;
use mini_rocketmq::remoting::protocol::header::BoundaryType;
use serde_json::json;

use crate::admin::Admin;
use crate::table::{Report, Table};

/// The masters of the group's retry topic, with a clear error when the
/// group never connected anywhere.
async fn masters_of_group(admin: &Admin, group: &str) -> MQResult<BTreeMap<String, String>> {
    let retry_topic = mix_all::get_retry_topic(group);
    match admin.masters_of_topic(&retry_topic).await {
        Err(e) if e.is_topic_not_exist() => Err(MQClientError::client_with_code(
            response_code::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!(
                "consumer group [{group}] is unknown: no broker has its retry topic {retry_topic}"
            ),
        )),
        other => other,
    }
}

/// `consumerProgress -g G [-t T]`: per queue, the broker's max offset, the
/// group's committed offset, and the difference (the lag).
pub async fn consumer_progress(
    admin: &Admin,
    group: &str,
    topic: Option<&str>,
) -> MQResult<Report> {
    let masters = masters_of_group(admin, group).await?;
    if let Some(topic) = topic {
        // An unknown topic would otherwise give an empty table.
        match admin.route(topic).await {
            Err(e) if e.is_topic_not_exist() => {
                return Err(MQClientError::client_with_code(
                    response_code::TOPIC_NOT_EXIST,
                    format!("topic [{topic}] does not exist: no name server has a route for it"),
                ));
            }
            other => {
                other?;
            }
        }
    }
    let mut offsets: BTreeMap<MessageQueue, OffsetWrapper> = BTreeMap::new();
    let mut tps = 0.0;
    for addr in masters.values() {
        let stats = admin
            .api()
            .get_consume_stats(addr, group, topic, admin.timeout)
            .await?;
        tps += stats.consume_tps;
        offsets.extend(stats.offset_table);
    }
    if offsets.is_empty() {
        // Java's `examineConsumeStats` refuses an empty answer the same way.
        return Err(MQClientError::client_with_code(
            response_code::CONSUMER_NOT_ONLINE,
            match topic {
                Some(topic) => format!(
                    "consumer group [{group}] has no progress on topic [{topic}]: it does not consume it"
                ),
                None => format!("consumer group [{group}] has no progress on any topic yet"),
            },
        ));
    }
    let mut table = Table::new([
        "Topic",
        "Broker Name",
        "QID",
        "Broker Offset",
        "Consumer Offset",
        "Diff",
        "LastTime",
    ]);
    let mut rows = Vec::new();
    let mut diff_total = 0;
    for (mq, w) in &offsets {
        let diff = w.broker_offset - w.consumer_offset.max(0);
        diff_total += diff;
        let last = if w.last_timestamp > 0 {
            crate::format_timestamp(w.last_timestamp)
        } else {
            "N/A".to_string()
        };
        table.row([
            mq.topic.clone(),
            mq.broker_name.clone(),
            mq.queue_id.to_string(),
            w.broker_offset.to_string(),
            w.consumer_offset.to_string(),
            diff.to_string(),
            last,
        ]);
        rows.push(
            json!({ "topic": mq.topic, "brokerName": mq.broker_name, "queueId": mq.queue_id,
            "brokerOffset": w.broker_offset, "consumerOffset": w.consumer_offset, "diff": diff,
            "lastTimestamp": w.last_timestamp }),
        );
    }
    let text = format!(
        "{}\nConsume TPS: {:.2}\nConsume Diff Total: {}\n",
        table.render(),
        tps,
        diff_total
    );
    let json =
        json!({ "group": group, "consumeTps": tps, "diffTotal": diff_total, "queues": rows });
    Ok(Report::new(text, json))
}

/// `consumerConnection -g G`: who is in the group and what it subscribes.
pub async fn consumer_connection(admin: &Admin, group: &str) -> MQResult<Report> {
    let masters = masters_of_group(admin, group).await?;
    let addr = masters.values().next().ok_or_else(|| {
        MQClientError::client(format!("no master serves the retry topic of {group}"))
    })?;
    let cc = match admin
        .api()
        .get_consumer_connection_list(addr, group, admin.timeout)
        .await
    {
        Err(MQClientError::Broker { code, .. }) if code == response_code::CONSUMER_NOT_ONLINE => {
            return Err(MQClientError::client_with_code(
                code,
                format!("consumer group [{group}] has no member online"),
            ));
        }
        other => other?,
    };
    let mut clients = Table::new(["Id", "ClientId", "ClientAddr", "Language", "Version"]);
    let mut connections: Vec<_> = cc.connection_set.iter().collect();
    connections.sort();
    for (i, c) in connections.iter().enumerate() {
        clients.row([
            (i + 1).to_string(),
            c.client_id.clone(),
            c.client_addr.clone(),
            c.language.clone(),
            crate::version_desc(c.version),
        ]);
    }
    let mut subs = Table::new(["Topic", "SubExpression"]);
    for (topic, sub) in &cc.subscription_table {
        subs.row([topic.clone(), sub.sub_string.clone()]);
    }
    let text = format!(
        "{}\nBelow is subscription:\n{}\nConsumeType: {}\nMessageModel: {}\nConsumeFromWhere: {}\n",
        clients.render(),
        subs.render(),
        cc.consume_type,
        cc.message_model,
        cc.consume_from_where
    );
    let json = serde_json::to_value(&cc).unwrap_or_default();
    Ok(Report::new(text, json))
}

/// `resetOffsetByTime -g G -t T -s TIME [-f]`: moves the group's offsets on
/// the topic back (or, with force, also forward) to the first message stored
/// at `TIME`. Online consumers jump at once (the broker tells them); for a
/// broker that refuses because no consumer is online (Java brokers do) the
/// offsets are committed queue by queue instead, like Java's fallback.
pub async fn reset_offset_by_time(
    admin: &Admin,
    group: &str,
    topic: &str,
    timestamp_ms: i64,
    force: bool,
) -> MQResult<Report> {
    let masters = admin.masters_of_topic(topic).await?;
    let mut result: BTreeMap<MessageQueue, i64> = BTreeMap::new();
    for (broker_name, addr) in &masters {
        let reset = admin
            .api()
            .invoke_broker_to_reset_offset(addr, topic, group, timestamp_ms, force, admin.timeout)
            .await;
        match reset {
            Ok(offsets) => result.extend(offsets),
            Err(MQClientError::Broker { code, .. })
                if code == response_code::CONSUMER_NOT_ONLINE =>
            {
                result.extend(
                    reset_offset_old(admin, group, topic, broker_name, addr, timestamp_ms).await?,
                );
            }
            Err(e) => return Err(e),
        }
    }
    let mut table = Table::new(["brokerName", "queueId", "offset"]);
    let mut rows = Vec::new();
    for (mq, offset) in &result {
        table.row([
            mq.broker_name.clone(),
            mq.queue_id.to_string(),
            offset.to_string(),
        ]);
        rows.push(
            json!({ "brokerName": mq.broker_name, "queueId": mq.queue_id, "offset": offset }),
        );
    }
    Ok(Report::new(table.render(), json!(rows)))
}

/// Java `resetOffsetByTimeOld`: search each queue's offset for the time
/// and commit it with UPDATE_CONSUMER_OFFSET.
async fn reset_offset_old(
    admin: &Admin,
    group: &str,
    topic: &str,
    broker_name: &str,
    addr: &str,
    timestamp_ms: i64,
) -> MQResult<BTreeMap<MessageQueue, i64>> {
    let stats = admin
        .api()
        .get_topic_stats_info(addr, topic, admin.timeout)
        .await?;
    let mut out = BTreeMap::new();
    for mq in stats
        .offset_table
        .keys()
        .filter(|mq| mq.broker_name == broker_name)
    {
        let offset = if timestamp_ms < 0 {
            admin.api().get_max_offset(addr, mq, admin.timeout).await?
        } else {
            admin
                .api()
                .search_offset(addr, mq, timestamp_ms, BoundaryType::Lower, admin.timeout)
                .await?
        };
        admin
            .api()
            .update_consumer_offset(addr, group, mq, offset, admin.timeout)
            .await?;
        out.insert(mq.clone(), offset);
    }
    Ok(out)
}
