#!/usr/bin/env bash
# Start N Scorecard replicas on 127.0.0.1:8601, 8602, ... against one PostgreSQL store, for nginx in front
# (deploy/nginx.conf). Sign-in must be configured: behind a load balancer the app serves beyond this computer.
#   SCORECARD_DB=postgresql://scorecard:PASSWORD@db.example:5432/scorecard deploy/start-replicas.sh 3
# Options after N go to every `streamlit run` (e.g. --secrets.files /etc/scorecard/secrets.toml). Logs: logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2}
shift || true
: "${SCORECARD_DB:?set SCORECARD_DB to the PostgreSQL store, e.g. postgresql://scorecard:PASSWORD@db:5432/scorecard}"
python=${PYTHON:-.venv/bin/python}  # the virtualenv make builds
# The app is reached through nginx, so it is refused, as on a public address, unless sign-in is configured.
"$python" -m scorecard preflight --server.address 0.0.0.0 "$@"
"$python" -m scorecard store check  # creates or upgrades the schema once, and says so if PostgreSQL is out of reach
mkdir -p logs
for i in $(seq 1 "$n"); do
  port=$((8600 + i))
  "$python" -m streamlit run app.py --server.address 127.0.0.1 --server.port "$port" --server.headless true \
    "$@" >"logs/replica-$port.log" 2>&1 &
  echo "replica $i on 127.0.0.1:$port (logs/replica-$port.log)"
done
wait
