//! `RegisterBrokerBody`: what a broker tells the name server about itself.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody` and
//! `TopicConfigAndMappingSerializeWrapper`. Every REGISTER_BROKER (at start-up
//! and every 30 s) carries the broker's whole topic table, stamped with its
//! [`DataVersion`], plus the (retired) filter-server list and the static-topic
//! mappings.
//!
//! Two encodings exist (Java `RegisterBrokerBody#encode`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/body/RegisterBrokerBody.java`):
//!
//! - **JSON**, the default (`compressedRegister=false`):
//!
//!   ```text
//!   {"filterServerList":[],
//!    "topicConfigSerializeWrapper":{"dataVersion":{…},"mappingDataVersion":{…},
//!       "topicConfigTable":{"<topic>":TopicConfig,…},
//!       "topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}
//!   ```
//!
//! - **compressed** (header `compressed=true`): one zlib stream holding
//!   length-prefixed pieces — the DataVersion JSON, the topic count, each
//!   topic as [`TopicConfig::encode`]'s space-separated line, the filter
//!   server list JSON, and (brokers at version ≥ 413 only) the mapping count
//!   and each mapping's JSON. All lengths and counts are big-endian `i32`.
//!
//! Real 5.3 brokers never set `compressed=true` (Java
//! `BrokerOuterAPI#registerBrokerAll`, `broker/src/main/java/org/apache/rocketmq/broker/out/BrokerOuterAPI.java`,
//! sends `compressed=false` even with `compressedRegister=true`), but
//! reading it costs a few lines, so [`RegisterBrokerBody::decode`] accepts
//! both. The inflated size is capped so that a small hostile body cannot
//! expand into gigabytes.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::common::data_version::DataVersion;
use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::topic_config::{TopicConfig, TopicConfigSerializeWrapper};

/// First broker version whose compressed body carries the mapping section
/// (`MQVersion.Version.V5_0_0`).
const VERSION_WITH_MAPPINGS: i32 = 413;

/// Largest inflated compressed body we accept. A broker with 100 000 topics
/// needs about 6 MiB; 64 MiB leaves room and still stops a zip bomb.
const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

/// Why a REGISTER_BROKER body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RegisterBrokerBodyError {
    #[error("register body is not valid JSON: {0}")]
    Json(#[from] FastjsonError),
    #[error("compressed register body is not a valid zlib stream: {0}")]
    Inflate(#[from] std::io::Error),
    #[error("compressed register body is larger than {MAX_INFLATED_BYTES} bytes once inflated")]
    TooLarge,
    #[error("compressed register body is truncated or malformed: {0}")]
    Malformed(&'static str),
}

/// The topic table plus static-topic mappings
/// (`TopicConfigAndMappingSerializeWrapper`). Fields alphabetical, as
/// fastjson writes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfigAndMappingSerializeWrapper {
    pub data_version: DataVersion,
    pub mapping_data_version: DataVersion,
    pub topic_config_table: BTreeMap<String, TopicConfig>,
    /// topic → `TopicQueueMappingDetail`; carried as raw JSON (static topics
    /// are not interpreted by this name server).
    pub topic_queue_mapping_detail_map: BTreeMap<String, serde_json::Value>,
    /// topic → `TopicQueueMappingInfo` (raw JSON; its `bname` names the broker).
    pub topic_queue_mapping_info_map: BTreeMap<String, serde_json::Value>,
}

impl From<TopicConfigSerializeWrapper> for TopicConfigAndMappingSerializeWrapper {
    fn from(w: TopicConfigSerializeWrapper) -> Self {
        TopicConfigAndMappingSerializeWrapper {
            data_version: w.data_version,
            topic_config_table: w.topic_config_table,
            ..Default::default()
        }
    }
}

/// The REGISTER_BROKER request body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegisterBrokerBody {
    pub filter_server_list: Vec<String>,
    pub topic_config_serialize_wrapper: TopicConfigAndMappingSerializeWrapper,
}

impl RegisterBrokerBody {
    /// The uncompressed JSON form (what real brokers send).
    pub fn encode(&self) -> Vec<u8> {
        // Plain data: serialization cannot fail.
        fastjson::to_vec(self, JsonStyle::Fastjson).unwrap_or_default()
    }

    /// Java `RegisterBrokerBody.decode(data, compressed, brokerVersion)`.
    pub fn decode(
        bytes: &[u8],
        compressed: bool,
        broker_version: i32,
    ) -> Result<Self, RegisterBrokerBodyError> {
        if !compressed {
            return Ok(fastjson::from_slice(bytes)?);
        }
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(bytes)
            .take(MAX_INFLATED_BYTES + 1)
            .read_to_end(&mut inflated)?;
        if inflated.len() as u64 > MAX_INFLATED_BYTES {
            return Err(RegisterBrokerBodyError::TooLarge);
        }
        decode_inflated(&inflated, broker_version)
    }

    /// The compressed form, as a broker with `compressedRegister=true` builds
    /// it. `broker_version` decides whether the mapping section is written.
    pub fn encode_compressed(&self, broker_version: i32) -> Vec<u8> {
        let wrapper = &self.topic_config_serialize_wrapper;
        let mut raw = Vec::new();
        put_chunk(&mut raw, &wrapper.data_version.encode());
        put_i32(&mut raw, wrapper.topic_config_table.len() as i32);
        for tc in wrapper.topic_config_table.values() {
            put_chunk(&mut raw, tc.encode().as_bytes());
        }
        let filters =
            serde_json::to_vec(&self.filter_server_list).unwrap_or_else(|_| b"[]".to_vec());
        put_chunk(&mut raw, &filters);
        if broker_version >= VERSION_WITH_MAPPINGS {
            put_i32(&mut raw, wrapper.topic_queue_mapping_info_map.len() as i32);
            for info in wrapper.topic_queue_mapping_info_map.values() {
                put_chunk(&mut raw, &serde_json::to_vec(info).unwrap_or_default());
            }
        }
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing into a Vec cannot fail.
        let _ = std::io::Write::write_all(&mut enc, &raw);
        enc.finish().unwrap_or_default()
    }
}

fn put_i32(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_chunk(out: &mut Vec<u8>, bytes: &[u8]) {
    put_i32(out, bytes.len() as i32);
    out.extend_from_slice(bytes);
}

/// A cursor over the inflated bytes.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn i32(&mut self, what: &'static str) -> Result<i32, RegisterBrokerBodyError> {
        let (head, rest) = self
            .buf
            .split_first_chunk::<4>()
            .ok_or(RegisterBrokerBodyError::Malformed(what))?;
        self.buf = rest;
        Ok(i32::from_be_bytes(*head))
    }

    fn chunk(&mut self, what: &'static str) -> Result<&'a [u8], RegisterBrokerBodyError> {
        let len = self.i32(what)?;
        let len = usize::try_from(len).map_err(|_| RegisterBrokerBodyError::Malformed(what))?;
        if len > self.buf.len() {
            return Err(RegisterBrokerBodyError::Malformed(what));
        }
        let (chunk, rest) = self.buf.split_at(len);
        self.buf = rest;
        Ok(chunk)
    }
}

fn decode_inflated(
    bytes: &[u8],
    broker_version: i32,
) -> Result<RegisterBrokerBody, RegisterBrokerBodyError> {
    let mut r = Reader { buf: bytes };
    let mut body = RegisterBrokerBody::default();
    let wrapper = &mut body.topic_config_serialize_wrapper;

    wrapper.data_version = fastjson::from_slice(r.chunk("data version")?)?;
    let topics = r.i32("topic count")?;
    for _ in 0..topics.max(0) {
        let line = std::str::from_utf8(r.chunk("topic config")?)
            .map_err(|_| RegisterBrokerBodyError::Malformed("topic config is not UTF-8"))?;
        let tc = TopicConfig::decode(line)
            .ok_or(RegisterBrokerBodyError::Malformed("topic config line"))?;
        wrapper.topic_config_table.insert(tc.topic_name.clone(), tc);
    }
    // Java logs and carries on with an empty list when this JSON is bad.
    body.filter_server_list =
        fastjson::from_slice(r.chunk("filter server list")?).unwrap_or_default();

    if broker_version >= VERSION_WITH_MAPPINGS {
        let mappings = r.i32("mapping count")?;
        for _ in 0..mappings.max(0) {
            let info: serde_json::Value = fastjson::from_slice(r.chunk("topic queue mapping")?)?;
            let topic = info
                .get("topic")
                .and_then(|t| t.as_str())
                .unwrap_or_default()
                .to_string();
            body.topic_config_serialize_wrapper
                .topic_queue_mapping_info_map
                .insert(topic, info);
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RegisterBrokerBody {
        let mut body = RegisterBrokerBody::default();
        let w = &mut body.topic_config_serialize_wrapper;
        w.data_version = DataVersion {
            counter: 3,
            state_version: 0,
            timestamp: 1_700_000_000_000,
        };
        w.topic_config_table.insert(
            "TopicTest".into(),
            TopicConfig::with_queues("TopicTest", 4, 4, 6),
        );
        w.topic_config_table
            .insert("TBW102".into(), TopicConfig::with_queues("TBW102", 8, 8, 7));
        body
    }

    #[test]
    fn json_shape_matches_the_facts() {
        let text = String::from_utf8(sample().encode()).unwrap();
        assert!(text.starts_with(
            r#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},"mappingDataVersion":{"#
        ));
        assert!(
            text.ends_with(r#""topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}"#)
        );
        assert_eq!(
            RegisterBrokerBody::decode(text.as_bytes(), false, 479).unwrap(),
            sample()
        );
    }

    #[test]
    fn reads_a_body_with_only_the_classic_fields() {
        let text = r#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":5},"topicConfigTable":{"t":{"topicName":"t","readQueueNums":2,"writeQueueNums":2,"perm":6}}}}"#;
        let body = RegisterBrokerBody::decode(text.as_bytes(), false, 479).unwrap();
        let tc = &body.topic_config_serialize_wrapper.topic_config_table["t"];
        assert_eq!((tc.read_queue_nums, tc.perm), (2, 6));
    }

    #[test]
    fn compressed_round_trip_for_old_and_new_brokers() {
        for version in [401, 479] {
            let bytes = sample().encode_compressed(version);
            let back = RegisterBrokerBody::decode(&bytes, true, version).unwrap();
            assert_eq!(back, sample(), "version {version}");
        }
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        assert!(RegisterBrokerBody::decode(b"not json", false, 479).is_err());
        assert!(RegisterBrokerBody::decode(b"not zlib", true, 479).is_err());
        // A valid zlib stream with a truncated payload.
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &[0, 0, 0, 50, b'{']).unwrap();
        let truncated = enc.finish().unwrap();
        assert!(matches!(
            RegisterBrokerBody::decode(&truncated, true, 479),
            Err(RegisterBrokerBodyError::Malformed(_))
        ));
    }
}
