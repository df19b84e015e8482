#!/usr/bin/env bash
# Builds the project's Dockerfile and checks the running image; prints one JSON line with
# the facts and exits non-zero on any failure (3 when no Docker daemon can be started).
# As root on a Debian machine: installs Debian's docker.io when dockerd is missing, starts
# its own daemon (no bridge, no iptables: the host's networking is not touched; its data,
# sockets and build cache under $TAGRELAY_IMAGE_CACHE) and stops it at the end. When the
# Dockerfile's base image is absent and cannot be pulled (no registry), it makes a
# stand-in under the same name (scripts/image-check/stand-in.sh), kept for later runs.
# The Dockerfile is built unchanged (NODE_VERSION=N in the environment becomes the build
# argument); the checks are in scripts/image-check/checks.sh. Only loopback traffic.
# Needs node (with the project's node_modules: `npm ci` first), curl and, for the
# stand-in, debootstrap (installed when missing).
#   sudo scripts/image-check.sh            # or: NODE_VERSION=26 scripts/image-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${TAGRELAY_IMAGE_CACHE:-/var/cache/tagrelay-image-check}"
image="${TAGRELAY_IMAGE:-tagrelay:latest}"
grace=20 # docker-compose.yml's stop_grace_period
sock="$cache/docker.sock"
dk() { /usr/bin/docker -H "unix://$sock" "$@"; }
rand() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

built=false stand_in=false stand_in_made=false check_ok=false probes=false tag_landed=false healthy=false
clean_stop=false nothing_lost=false non_root=false read_only_root=false compose_up=false
image_bytes=0 node_modules_bytes=0 uid=null node_version="" base="" build_cached=false failure=""
daemon_seconds=0 stand_in_seconds=0 build_seconds=0 check_seconds=0 compose_seconds=0
probe_seconds=0 healthy_seconds=0 stop_seconds=0 started=$SECONDS

json() {
  local mb
  mb="$(awk -v b="$image_bytes" 'BEGIN{printf "%.1f", b/1e6}')"
  printf '{"built":%s,"healthy":%s,"tagLanded":%s,"cleanStop":%s,"nothingLost":%s,"nonRoot":%s,"readOnlyRoot":%s,' \
    "$built" "$healthy" "$tag_landed" "$clean_stop" "$nothing_lost" "$non_root" "$read_only_root"
  printf '"check":%s,"probes":%s,"composeUp":%s,"base":"%s","standIn":%s,"standInMade":%s,"buildCached":%s,"node":"%s",' \
    "$check_ok" "$probes" "$compose_up" "$base" "$stand_in" "$stand_in_made" "$build_cached" "$node_version"
  printf '"imageBytes":%s,"imageMB":%s,"nodeModulesBytes":%s,"uid":%s,' "$image_bytes" "$mb" "$node_modules_bytes" "$uid"
  printf '"seconds":{"daemon":%s,"standIn":%s,"build":%s,"checks":%s,"compose":%s,"total":%s},' \
    "$daemon_seconds" "$stand_in_seconds" "$build_seconds" "$check_seconds" "$compose_seconds" "$((SECONDS - started))"
  printf '"probesAfterSeconds":%s,"healthyAfterSeconds":%s,"stopSeconds":%s' "$probe_seconds" "$healthy_seconds" "$stop_seconds"
  [ -z "$failure" ] || printf ',"failure":"%s"' "${failure//\"/\'}"
  printf '}\n'
}
fail() {
  failure="$1"
  echo "image-check FAILED: $1" >&2
  exit 1
}

work="$(mktemp -d)"
daemon_pid=""
stop_daemon() {
  [ -n "$daemon_pid" ] || return 0
  dk ps -aq --filter name=tagrelay-check | xargs -r /usr/bin/docker -H "unix://$sock" rm -f >/dev/null 2>&1 || true
  kill "$daemon_pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.5; done
  # the daemon leaves mounts in its folders behind (the host's network namespace, or its
  # data-root when it failed to start): nothing under the cache stays mounted
  awk -v c="$cache/" 'index($2, c) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount 2>/dev/null || true
  daemon_pid=""
}
finish() {
  local rc=$?
  stop_daemon
  rm -rf "$work"
  if [ "$rc" = 0 ]; then json; else
    [ -n "$failure" ] || failure="exit $rc"
    json
  fi
  exit "$rc"
}
trap finish EXIT
trap 'failure="interrupted"; exit 130' INT TERM

[ "$(id -u)" = 0 ] || { failure="must run as root (it starts a Docker daemon)"; echo "image-check: $failure" >&2; exit 3; }

# --- the daemon -------------------------------------------------------------------------
t0=$SECONDS
if [ ! -x /usr/sbin/dockerd ] || [ ! -x /usr/bin/docker ]; then
  echo "image-check: installing Debian's docker.io" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null) \
    || { failure="could not install docker.io"; exit 3; }
fi
mkdir -p "$cache/data" "$cache/exec"
if [ -s "$cache/dockerd.pid" ] && kill -0 "$(cat "$cache/dockerd.pid")" 2>/dev/null; then
  echo "image-check: stopping the daemon a previous run left (pid $(cat "$cache/dockerd.pid"))" >&2
  daemon_pid="$(cat "$cache/dockerd.pid")" && stop_daemon
fi
/usr/sbin/dockerd --data-root "$cache/data" --exec-root "$cache/exec" --pidfile "$cache/dockerd.pid" \
  -H "unix://$sock" --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
  >"$cache/dockerd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 120); do dk info >/dev/null 2>&1 && break; kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.5; done
if ! dk info >/dev/null 2>&1; then
  tail -n 20 "$cache/dockerd.log" >&2
  failure="the Docker daemon did not start (log: $cache/dockerd.log)"
  echo "image-check: $failure" >&2
  exit 3
fi
dk ps -aq --filter name=tagrelay-check | xargs -r /usr/bin/docker -H "unix://$sock" rm -f >/dev/null
daemon_seconds=$((SECONDS - t0))

# --- the base image: present, pulled from a registry, or a stand-in ----------------------
node_major="${NODE_VERSION:-$(sed -n 's/^ARG NODE_VERSION=//p' Dockerfile | head -n1)}"
base="$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | head -n1)"
base="${base//\$\{NODE_VERSION\}/$node_major}"
t0=$SECONDS
is_stand_in() { [ "$(dk image inspect -f '{{index .Config.Labels "tagrelay.stand-in"}}' "$base" 2>/dev/null)" = true ]; }
# the real base whenever a registry answers (it replaces a stand-in kept from earlier runs)
if ! dk image inspect "$base" >/dev/null 2>&1 || is_stand_in; then
  if timeout 120 /usr/bin/docker -H "unix://$sock" pull -q "$base" >/dev/null 2>&1; then
    echo "image-check: pulled $base from the registry" >&2
  elif ! dk image inspect "$base" >/dev/null 2>&1; then
    echo "image-check: $base cannot be pulled: making a stand-in" >&2
    DOCKER="/usr/bin/docker -H unix://$sock" scripts/image-check/stand-in.sh "$base" "$node_major" "$cache/stand-in" \
      || fail "could not make the stand-in for $base"
    stand_in_made=true
  fi
fi
! is_stand_in || stand_in=true
stand_in_seconds=$((SECONDS - t0))

# --- the build ---------------------------------------------------------------------------
t0=$SECONDS
build_args=()
[ -z "${NODE_VERSION:-}" ] || build_args=(--build-arg "NODE_VERSION=$node_major")
echo "image-check: building $image from $base" >&2
if ! DOCKER_BUILDKIT=0 dk build --network host "${build_args[@]}" -t "$image" . >"$cache/build.log" 2>&1; then
  tail -n 40 "$cache/build.log" >&2
  fail "docker build failed (log: $cache/build.log)"
fi
built=true
build_seconds=$((SECONDS - t0))
case "$(grep -A1 'RUN npm ci' "$cache/build.log")" in *'Using cache'*) build_cached=true ;; esac
image_bytes="$(dk image inspect -f '{{.Size}}' "$image")"
node_version="$(dk run --rm --network none --entrypoint node "$image" --version)"
node_modules_bytes="$(dk run --rm --network none --entrypoint du "$image" -sb /app/node_modules | awk '{print $1}')"

# --- the running image -------------------------------------------------------------------
# shellcheck source-path=SCRIPTDIR source=image-check/checks.sh
. scripts/image-check/checks.sh
t0=$SECONDS
run_checks
check_seconds=$((SECONDS - t0))
run_compose
for fact in "$check_ok" "$probes" "$tag_landed" "$healthy" "$clean_stop" "$nothing_lost" "$non_root" "$read_only_root" "$compose_up"; do
  [ "$fact" = true ] || fail "a check did not hold (see the JSON line)"
done
