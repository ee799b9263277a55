#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium for the browser e2e,
# docker-compose (v1, Debian's) to validate docker-compose.yml without a Docker engine, Prometheus (the server
# scrapes a real backend; promtool checks its config and the /metrics exposition), InfluxDB 1.x (influxd
# receives the line-protocol export), clickhouse-server (18.16 on Debian: the ClickHouse store conformance and
# two-shard tests).
set -euo pipefail

packages=(chromium docker-compose prometheus influxdb clickhouse-server clickhouse-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "install-test-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
