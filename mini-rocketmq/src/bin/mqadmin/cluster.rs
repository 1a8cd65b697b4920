//! Cluster commands — Java `ClusterListSubCommand`, `BrokerStatusSubCommand`.

use std::collections::BTreeMap;

use mini_rocketmq::client::MQResult;
use serde_json::json;

use crate::admin::Admin;
use crate::table::{Report, Table};

/// `clusterList`: every broker of every cluster, with a few live figures
/// from its runtime info. A broker that does not answer stays in the list
/// with `-` in those columns — a down broker is exactly what one looks for
/// here.
pub async fn cluster_list(admin: &Admin) -> MQResult<Report> {
    let info = admin.cluster_info().await?;
    let mut table = Table::new([
        "Cluster Name",
        "Broker Name",
        "BID",
        "Addr",
        "Version",
        "Msgs Stored",
        "Topics",
    ]);
    let mut rows = Vec::new();
    for (cluster, names) in &info.cluster_addr_table {
        for name in names {
            let Some(bd) = info.broker_addr_table.get(name) else {
                continue;
            };
            for (id, addr) in &bd.broker_addrs {
                let runtime = admin
                    .api()
                    .get_broker_runtime_info(addr, admin.timeout)
                    .await
                    .ok();
                let get = |key: &str| {
                    runtime
                        .as_ref()
                        .and_then(|r| r.get(key).cloned())
                        .unwrap_or_else(|| "-".to_string())
                };
                let (version, put, topics) = (
                    get("brokerVersionDesc"),
                    get("putMessageTimesTotal"),
                    get("topicCount"),
                );
                table.row([
                    cluster.clone(),
                    name.clone(),
                    id.to_string(),
                    addr.clone(),
                    version.clone(),
                    put.clone(),
                    topics.clone(),
                ]);
                // Numbers as numbers; null where the broker did not answer.
                let number = |text: &str| text.parse::<i64>().ok();
                rows.push(
                    json!({ "clusterName": cluster, "brokerName": name, "brokerId": id,
                    "addr": addr, "version": runtime.as_ref().map(|_| version),
                    "messagesStored": number(&put), "topicCount": number(&topics),
                    "reachable": runtime.is_some() }),
                );
            }
        }
    }
    Ok(Report::new(table.render(), json!(rows)))
}

/// `brokerStatus (-b addr | -c cluster)`: the runtime-info table of one
/// broker or of every master of a cluster, `key : value` like Java.
pub async fn broker_status(
    admin: &Admin,
    broker: Option<&str>,
    cluster: Option<&str>,
) -> MQResult<Report> {
    let targets: Vec<String> = match (broker, cluster) {
        (Some(b), _) => vec![admin.master_of_broker(b).await?],
        (None, Some(c)) => admin.masters_of_cluster(c).await?.into_values().collect(),
        // The command line requires one of the two.
        (None, None) => {
            return Err(mini_rocketmq::client::MQClientError::client(
                "give a broker (-b) or a cluster (-c)",
            ));
        }
    };
    let mut text = String::new();
    let mut all: BTreeMap<String, BTreeMap<String, serde_json::Value>> = BTreeMap::new();
    for addr in targets {
        let table = admin
            .api()
            .get_broker_runtime_info(&addr, admin.timeout)
            .await?;
        let width = table.keys().map(|k| k.len()).max().unwrap_or(0);
        for (key, value) in &table {
            // With a cluster, several brokers share the output: prefix lines
            // with the address, as Java does.
            if broker.is_none() {
                text.push_str(&format!("{addr:<22}  "));
            }
            text.push_str(&format!("{key:<width$} : {value}\n"));
        }
        // The broker sends every figure as text; JSON readers get numbers
        // and booleans typed as such.
        let typed = table
            .into_iter()
            .map(|(key, value)| {
                let typed = if let Ok(n) = value.parse::<i64>() {
                    json!(n)
                } else if let Ok(x) = value.parse::<f64>() {
                    json!(x)
                } else if let Ok(b) = value.parse::<bool>() {
                    json!(b)
                } else {
                    json!(value)
                };
                (key, typed)
            })
            .collect();
        all.insert(addr, typed);
    }
    Ok(Report::new(text, json!(all)))
}
