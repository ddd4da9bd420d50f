#!/usr/bin/env bash
# Runs the Raft simulation over many seeds (default 20,000 per cluster size) and prints the first failing seed,
# which replays exactly with: RAFT_SEED=<seed> dotnet test tests/ClusterState.Tests --filter RaftSimulation
set -euo pipefail
cd "$(dirname "$0")/.."
export RAFT_SEEDS="${1:-20000}"
dotnet test tests/ClusterState.Tests -c Release --filter "FullyQualifiedName~RaftSimulationTests" --logger "console;verbosity=normal" 2>&1 \
  | grep -E "seeds of|seed [0-9]+:|Passed!|Failed!| error "
