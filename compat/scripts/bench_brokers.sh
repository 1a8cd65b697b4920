#!/usr/bin/env bash
# Sync-send benchmark of rocketmq-client-rust's producer against one broker
# implementation at a time: ours (mini-rocketmq's mqnamesrv + mqbroker) or
# rocketmq-rust's (rocketmq-namesrv-rust + rocketmq-broker-rust, installed
# separately with `cargo install`; nothing of theirs is in this repository).
#
#   compat/scripts/bench_brokers.sh ours   [duration_s]
#   compat/scripts/bench_brokers.sh theirs [duration_s]
#
# Both run on loopback with the same settings: namesrv :9876, broker :10911,
# ASYNC_FLUSH, auto-created topic, a fresh store under /tmp, 1 KiB bodies,
# 1 and then 4 concurrent senders. Binaries are looked up in:
#   ours:   $MINI_BIN   (default /work/main/target/release)
#   theirs: $THEIRS_BIN (default /tmp/rmq-rust/bin)
# and the client in $BENCH (default compat/target/release/client_bench).
set -euo pipefail

which_broker=${1:?usage: bench_brokers.sh ours|theirs [duration_s]}
duration=${2:-20}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH:-$here/target/release/client_bench}
work=$(mktemp -d "/tmp/bench-$which_broker.XXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

cat > "$work/broker.conf" <<EOF
brokerClusterName=DefaultCluster
brokerName=broker-a
brokerId=0
brokerIP1=127.0.0.1
listenPort=10911
namesrvAddr=127.0.0.1:9876
storePathRootDir=$work/store
flushDiskType=ASYNC_FLUSH
autoCreateTopicEnable=true
EOF

case "$which_broker" in
  ours)
    bin=${MINI_BIN:-/work/main/target/release}
    printf 'listenPort=9876\n' > "$work/namesrv.properties"
    RUST_LOG=warn "$bin/mqnamesrv" -c "$work/namesrv.properties" > "$work/namesrv.log" 2>&1 & pids+=($!)
    sleep 1
    RUST_LOG=warn "$bin/mqbroker" -c "$work/broker.conf" > "$work/broker.log" 2>&1 & pids+=($!)
    ;;
  theirs)
    bin=${THEIRS_BIN:-/tmp/rmq-rust/bin}
    export ROCKETMQ_HOME="$work/home"
    mkdir -p "$ROCKETMQ_HOME"
    RUST_LOG=warn "$bin/rocketmq-namesrv-rust" --listenPort 9876 --bindAddress 127.0.0.1 \
      > "$work/namesrv.log" 2>&1 & pids+=($!)
    sleep 1
    RUST_LOG=warn "$bin/rocketmq-broker-rust" -c "$work/broker.conf" > "$work/broker.log" 2>&1 & pids+=($!)
    ;;
  *) echo "unknown broker '$which_broker' (ours|theirs)" >&2; exit 2 ;;
esac

# Give the broker time to register with the name server (first registration
# happens at start-up).
sleep 5
for senders in 1 4; do
  topic="Bench_${which_broker}_w${senders}_$(date +%s)"
  echo "### $which_broker, $senders sender(s), ${duration}s, 1 KiB"
  RUST_LOG=error "$bench" -n 127.0.0.1:9876 -t "$topic" -w "$senders" -d "$duration" -s 1024 --warmup 3
done
echo "(store and logs in $work)"
