#!/usr/bin/env bash
# ClusterState against a real etcd on this machine, in one run:
#   benchmarks/compare/run.sh           # the full comparison (under 10 minutes)
#   benchmarks/compare/run.sh --quick   # shorter runs (under 2 minutes)
# The program starts etcd itself on 127.0.0.1 (free ports, temporary directories) and stops it by process id.
# Results: benchmarks/results/compare.md and .json (compare-quick.* for --quick).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v etcd >/dev/null 2>&1 && [ -z "${ETCD_BINARY:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client
    command -v systemctl >/dev/null 2>&1 && systemctl stop etcd >/dev/null 2>&1 || true
  else
    echo "etcd is not installed: run 'apt-get install -y etcd-server etcd-client' (or set ETCD_BINARY to its path)" >&2
    exit 2
  fi
fi
exec dotnet run --project benchmarks/compare/ClusterState.Compare.csproj -c Release -- "$@"
