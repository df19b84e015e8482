# shellcheck shell=bash disable=SC2034,SC2154 # the facts and settings are image-check.sh's variables
# Sourced by scripts/image-check.sh: the checks of the running image. Every container
# runs with `--network host` (the daemon has no bridge) or `--network none`, listens on
# 127.0.0.1 only, with a read-only root filesystem and all capabilities dropped.
# Sets the facts (check_ok, probes, tag_landed, healthy, clean_stop, nothing_lost,
# non_root, read_only_root, compose_up) and their times; `fail` ends the run.

location_id="$(sed -n 's/^ *locationId: *"\([^"]*\)".*/\1/p' examples/tagrelay.yaml | head -n1)"
hl_token="pit-$(rand)"
website_token="$(rand)"

# the config folder a user would mount: the example config and a .env readable by gid 1000
config_folder() { # DIR PORT
  mkdir -p "$1" && chmod 0755 "$1"
  install -m 0644 examples/tagrelay.yaml "$1/tagrelay.yaml"
  cat >"$1/.env" <<EOF
HL_TOKEN_MAIN=$hl_token
TYPEFORM_TOKEN=$(rand)
WEBSITE_TOKEN=$website_token
TAGRELAY_ADMIN_TOKEN=$(rand)$(rand)
TAGRELAY_HOST=127.0.0.1
TAGRELAY_PORT=$2
TAGRELAY_HIGHLEVEL_BASE_URL=http://127.0.0.1:$sandbox_port
EOF
  chown 0:1000 "$1/.env" && chmod 0640 "$1/.env"
}

wait_for() { # SECONDS COMMAND...: true once COMMAND succeeds
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$until" ] || return 1
    sleep 0.5
  done
}

start_sandbox() {
  dk rm -f tagrelay-check-sandbox >/dev/null 2>&1 || true
  dk run -d --name tagrelay-check-sandbox --network host --read-only --cap-drop ALL "$image" \
    sandbox --port "$sandbox_port" --token "$hl_token=$location_id" >/dev/null
  wait_for 60 curl -fsS "http://127.0.0.1:$sandbox_port/_sandbox/calls" || fail "the sandbox did not answer"
  for email in grace@example.com ada@example.com; do
    curl -fsS -X POST "http://127.0.0.1:$sandbox_port/_sandbox/contacts" -H 'content-type: application/json' \
      --data "{\"locationId\":\"$location_id\",\"email\":\"$email\"}" >/dev/null || fail "could not seed $email"
  done
}

has_tag() { # EMAIL TAG: the sandbox's contact carries the tag
  curl -fsS "http://127.0.0.1:$sandbox_port/_sandbox/contacts?locationId=$location_id" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const c = JSON.parse(s).contacts.find((c) => (c.email ?? "").toLowerCase() === process.argv[1])
      process.exit(c && (c.tags ?? []).includes(process.argv[2]) ? 0 : 1)
    })' "$1" "$2"
}

post_signup() { # EMAIL: prints the HTTP status of the website webhook
  sed "s/Grace@Example.com/$1/" examples/payloads/website-signup.json |
    curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$service_port/hooks/website" \
      -H 'content-type: application/json' -H "x-tagrelay-token: $website_token" --data-binary @-
}

start_service() { # NAME
  dk run -d --name "$1" --network host --read-only --cap-drop ALL --security-opt no-new-privileges \
    -v tagrelay-check-data:/data -v "$work/etc:/etc/tagrelay:ro" --stop-timeout "$grace" "$image" >/dev/null
}

run_checks() {
  sandbox_port="$(free_port)" service_port="$(free_port)"
  config_folder "$work/etc" "$service_port"
  dk volume rm -f tagrelay-check-data >/dev/null 2>&1 || true

  if dk run --rm --network none --read-only --cap-drop ALL -v "$work/etc:/etc/tagrelay:ro" "$image" check \
    >"$work/check.log" 2>&1; then check_ok=true; else cat "$work/check.log" >&2; fail "tagrelay check failed in the image"; fi

  start_sandbox
  local t0=$SECONDS
  start_service tagrelay-check-1
  wait_for 60 curl -fsS "http://127.0.0.1:$service_port/healthz" || { dk logs tagrelay-check-1 >&2; fail "/healthz did not answer"; }
  curl -fsS "http://127.0.0.1:$service_port/readyz" >/dev/null || fail "/readyz is not 200"
  probes=true probe_seconds=$((SECONDS - t0))

  [ "$(post_signup grace@example.com)" = 202 ] || fail "the webhook was not accepted (202)"
  wait_for 60 has_tag grace@example.com newsletter || { dk logs tagrelay-check-1 >&2; fail "the tag did not land in the sandbox"; }
  tag_landed=true

  wait_for 90 sh -c "[ \"\$(/usr/bin/docker -H unix://$sock inspect -f '{{.State.Health.Status}}' tagrelay-check-1)\" = healthy ]" \
    || fail "the HEALTHCHECK did not report healthy"
  healthy=true healthy_seconds=$((SECONDS - t0))

  local caps
  uid="$(dk exec tagrelay-check-1 id -u)" && [[ "$uid" =~ ^[0-9]+$ ]] || uid=null
  [ "$uid" = 1000 ] && [ "$(dk image inspect -f '{{.Config.User}}' "$image")" = node ] && non_root=true
  caps="$(dk exec tagrelay-check-1 sh -c 'grep CapEff /proc/1/status' | awk '{print $2}')"
  # /tmp is world-writable: only a read-only root filesystem refuses the write
  if [ "$(dk inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}' tagrelay-check-1)" = "true [ALL]" ] \
    && [ "$caps" = 0000000000000000 ] && ! dk exec tagrelay-check-1 touch /tmp/.write-probe 2>/dev/null; then
    read_only_root=true
  fi

  # a HighLevel outage: the event is accepted and kept, the container stops cleanly, and
  # the next container on the same volume delivers it
  dk rm -f tagrelay-check-sandbox >/dev/null
  [ "$(post_signup ada@example.com)" = 202 ] || fail "the webhook during the outage was not accepted (202)"
  local s0 s1
  s0=$(date +%s.%N)
  dk stop -t "$grace" tagrelay-check-1 >/dev/null
  s1=$(date +%s.%N)
  stop_seconds="$(awk -v a="$s0" -v b="$s1" 'BEGIN{printf "%.1f", b-a}')"
  dk logs tagrelay-check-1 >"$work/service-1.log" 2>&1
  if [ "$(dk inspect -f '{{.State.ExitCode}}' tagrelay-check-1)" = 0 ] && grep -q 'tagrelay stopped' "$work/service-1.log" \
    && awk -v s="$stop_seconds" -v g="$grace" 'BEGIN{exit !(s < g)}'; then clean_stop=true; fi
  start_sandbox
  start_service tagrelay-check-2
  if wait_for 90 has_tag ada@example.com newsletter; then nothing_lost=true; else dk logs tagrelay-check-2 >&2; fi
  dk stop -t "$grace" tagrelay-check-2 >/dev/null
  dk rm -f tagrelay-check-1 tagrelay-check-2 tagrelay-check-sandbox >/dev/null
  dk volume rm -f tagrelay-check-data >/dev/null
}

# docker-compose v1 (Debian's) on the default profile, with the built image. This daemon
# has no bridge, so the check runs the project's docker-compose.yml with its default
# services moved onto the host's network (where a published port cannot be declared: it
# is dropped, and the port moves through the .env); everything else is the file as shipped.
run_compose() {
  command -v docker-compose >/dev/null 2>&1 \
    || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null) \
    || fail "docker-compose is not available"
  local dir="$work/compose" port t0=$SECONDS
  port="$(free_port)"
  config_folder "$dir" "$port"
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs"
    import { parseDocument } from "yaml"
    const doc = parseDocument(readFileSync("docker-compose.yml", "utf8"))
    for (const name of ["check", "tagrelay"]) {
      doc.deleteIn(["services", name, "ports"])
      doc.setIn(["services", name, "network_mode"], "host")
    }
    writeFileSync(process.argv[1], doc.toString())' "$dir/docker-compose.yml"
  local compose=(env "DOCKER_HOST=unix://$sock" docker-compose -p tagrelaycheck)
  (cd "$dir" && "${compose[@]}" up -d --no-build) >"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; fail "docker-compose up failed"; }
  local svc chk
  svc="$(cd "$dir" && "${compose[@]}" ps -q tagrelay)" chk="$(cd "$dir" && "${compose[@]}" ps -q check)"
  if wait_for 90 sh -c "[ \"\$(/usr/bin/docker -H unix://$sock inspect -f '{{.State.Health.Status}}' $svc)\" = healthy ]" \
    && curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null \
    && [ "$(dk inspect -f '{{.State.ExitCode}} {{.State.Health}}' "$chk")" = "0 <nil>" ]; then
    compose_up=true
  else
    (cd "$dir" && "${compose[@]}" logs --no-color) >&2 || true
  fi
  (cd "$dir" && "${compose[@]}" down -v) >>"$work/compose.log" 2>&1 || true
  compose_seconds=$((SECONDS - t0))
  [ "$compose_up" = true ] || fail "docker-compose's default profile did not come up healthy"
}
