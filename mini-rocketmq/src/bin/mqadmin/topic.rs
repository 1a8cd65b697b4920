//! Topic commands — Java `UpdateTopicSubCommand`, `DeleteTopicSubCommand`,
//! `TopicListSubCommand`, `TopicRouteSubCommand`, `TopicStatusSubCommand`.

use mini_rocketmq::client::{MQClientError, MQResult};
use mini_rocketmq::common::perm;
use mini_rocketmq::common::topic_config::{TopicConfig, TopicFilterType};
use mini_rocketmq::common::topic_validator;
use serde_json::json;

use crate::admin::Admin;
use crate::table::{Report, Table};

/// `updateTopic -t T (-b addr | -c cluster) [-r 8] [-w 8] [-p 6] [-o false]`:
/// creates the topic, or changes its queue counts and permission, on one
/// broker or on every master of a cluster.
#[allow(clippy::too_many_arguments)] // one per command-line option
pub async fn update_topic(
    admin: &Admin,
    topic: &str,
    broker: Option<&str>,
    cluster: Option<&str>,
    read_queue_nums: i32,
    write_queue_nums: i32,
    perm_bits: i32,
    order: bool,
) -> MQResult<Report> {
    // The name, the permission and the queue counts were checked with the
    // rest of the command line (`check_arguments`).
    let config = TopicConfig {
        topic_name: topic.to_string(),
        read_queue_nums,
        write_queue_nums,
        perm: perm_bits,
        order,
        topic_filter_type: TopicFilterType::SingleTag,
        ..TopicConfig::default()
    };
    let targets: Vec<(String, String)> = match (broker, cluster) {
        (Some(b), _) => vec![(b.to_string(), admin.master_of_broker(b).await?)],
        (None, Some(c)) => admin.masters_of_cluster(c).await?.into_iter().collect(),
        (None, None) => {
            return Err(MQClientError::client(
                "give a broker (-b) or a cluster (-c)",
            ));
        }
    };
    let mut text = String::new();
    let mut done = Vec::new();
    for (_, addr) in &targets {
        admin
            .api()
            .create_topic(
                addr,
                topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC,
                &config,
                admin.timeout,
            )
            .await?;
        text.push_str(&format!("create topic to {addr} success.\n"));
        done.push(addr.clone());
    }
    text.push_str(&format!(
        "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, topicFilterType={}, topicSysFlag=0, order={}]\n",
        topic,
        read_queue_nums,
        write_queue_nums,
        perm::perm_to_string(perm_bits),
        config.topic_filter_type,
        order
    ));
    let json = json!({ "topic": topic, "brokers": done, "readQueueNums": read_queue_nums,
        "writeQueueNums": write_queue_nums, "perm": perm_bits, "order": order });
    Ok(Report::new(text, json))
}

/// `deleteTopic -t T -c cluster`: from every master of the cluster, then
/// from every name server.
pub async fn delete_topic(admin: &Admin, topic: &str, cluster: &str) -> MQResult<Report> {
    let masters = admin.masters_of_cluster(cluster).await?;
    for addr in masters.values() {
        admin
            .api()
            .delete_topic_in_broker(addr, topic, admin.timeout)
            .await?;
    }
    admin
        .api()
        .delete_topic_in_name_server(topic, admin.timeout)
        .await?;
    let text = format!(
        "delete topic [{topic}] from cluster [{cluster}] success.\ndelete topic [{topic}] from NameServer success.\n"
    );
    let json = json!({ "topic": topic, "cluster": cluster, "brokers": masters.values().collect::<Vec<_>>() });
    Ok(Report::new(text, json))
}

/// `topicList`: every topic the name servers know, sorted.
pub async fn topic_list(admin: &Admin) -> MQResult<Report> {
    let list = admin
        .api()
        .get_topic_list_from_name_server(admin.timeout)
        .await?;
    let topics: Vec<&String> = list.topic_list.iter().collect();
    let mut text = String::new();
    for topic in &topics {
        text.push_str(topic);
        text.push('\n');
    }
    Ok(Report::new(text, json!(topics)))
}

/// `topicRoute -t T`: where the topic lives.
pub async fn topic_route(admin: &Admin, topic: &str) -> MQResult<Report> {
    let route = admin.route(topic).await?;
    let mut brokers = Table::new(["Broker Name", "Cluster", "BID", "Addr"]);
    for bd in &route.broker_datas {
        for (id, addr) in &bd.broker_addrs {
            brokers.row([
                bd.broker_name.clone(),
                bd.cluster.clone(),
                id.to_string(),
                addr.clone(),
            ]);
        }
    }
    let mut queues = Table::new(["Broker Name", "Read Queues", "Write Queues", "Perm"]);
    let mut queue_datas = route.queue_datas.clone();
    queue_datas.sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
    for qd in &queue_datas {
        queues.row([
            qd.broker_name.clone(),
            qd.read_queue_nums.to_string(),
            qd.write_queue_nums.to_string(),
            perm::perm_to_string(qd.perm),
        ]);
    }
    let text = format!("{}\n{}", brokers.render(), queues.render());
    let json = serde_json::to_value(&route).unwrap_or_default();
    Ok(Report::new(text, json))
}

/// `topicStatus -t T`: min and max offset of every queue.
pub async fn topic_status(admin: &Admin, topic: &str) -> MQResult<Report> {
    let masters = admin.masters_of_topic(topic).await?;
    let mut table = Table::new([
        "Broker Name",
        "QID",
        "Min Offset",
        "Max Offset",
        "Last Updated",
    ]);
    let mut rows = Vec::new();
    for (broker_name, addr) in &masters {
        let stats = admin
            .api()
            .get_topic_stats_info(addr, topic, admin.timeout)
            .await?;
        for (mq, offset) in &stats.offset_table {
            let updated = if offset.last_update_timestamp > 0 {
                crate::format_timestamp(offset.last_update_timestamp)
            } else {
                String::new()
            };
            table.row([
                broker_name.clone(),
                mq.queue_id.to_string(),
                offset.min_offset.to_string(),
                offset.max_offset.to_string(),
                updated,
            ]);
            rows.push(json!({ "brokerName": broker_name, "queueId": mq.queue_id,
                "minOffset": offset.min_offset, "maxOffset": offset.max_offset,
                "lastUpdateTimestamp": offset.last_update_timestamp }));
        }
    }
    Ok(Report::new(table.render(), json!(rows)))
}
