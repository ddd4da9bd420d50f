#!/usr/bin/env bash
# Runs the differential tests against a real etcd over many seeds (default 200 seeds of 300 operations per store
# mode: in memory, durable, replicated) and prints the first mismatch, which replays exactly with:
#   ETCD_DIFF_SEED=<seed> dotnet test tests/ClusterState.Tests --filter EtcdDifferential
# Needs etcd: apt-get install -y etcd-server etcd-client (or ETCD_BINARY=<path>).
set -euo pipefail
cd "$(dirname "$0")/.."
export ETCD_DIFF_SEEDS="${1:-200}" ETCD_DIFF_OPS="${2:-300}" CLUSTERSTATE_REQUIRE_ETCD=1
dotnet test tests/ClusterState.Tests -c Release --filter "FullyQualifiedName~EtcdDifferential" --logger "console;verbosity=normal" 2>&1 \
  | grep -E "seeds, |seed [0-9]+|Passed!|Failed!| error |differs"
