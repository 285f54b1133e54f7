#!/usr/bin/env bash
# `make image-test`: build the image on a base made on this machine (no registry needed), start
# it against PostgreSQL with a stand-in for the Bot API, and check /healthz, /readyz, the
# container's HEALTHCHECK, its user, and that a second container waits as standby.
#
# Needs: a running Docker engine, or Podman (no daemon: it runs where no Docker engine can, and
# takes the same commands; CONTAINER_ENGINE=docker|podman chooses); PostgreSQL reachable at
# HUIHUI_TEST_POSTGRES_URL (the test server, 127.0.0.1:5432 by default; containers share the
# host's network); to make the base, root and debootstrap (or set HUIHUI_BASE_IMAGE to an image with Python 3.11+ and its venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
BASE_IMAGE=${HUIHUI_BASE_IMAGE:-huihui-base:bookworm}
IMAGE=huihui:image-test
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ADMIN_URL=${HUIHUI_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
ADMIN_URL=${ADMIN_URL/postgresql+asyncpg:/postgresql:}
TOKEN=123456:STANDIN-token-not-real

fail() { echo "image-test: $*" >&2; exit 1; }
say() { echo "image-test: $*"; }

if [ -n "${CONTAINER_ENGINE:-}" ]; then
    engine=$CONTAINER_ENGINE
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
elif command -v podman >/dev/null; then
    engine=podman
else
    fail "no Docker engine answers and Podman is not installed (apt-get install podman)"
fi
engine_command=("$engine")
build_options=()
run_options=()
if [ "$engine" = podman ]; then
    # Podman keeps Docker's image format only when asked: HEALTHCHECK is part of it.
    build_options=(--format docker)
    # Podman asks for resource limits of its own, which a host (or an outer container) that
    # allows less refuses: ask for this shell's open files, and processes enough for the bot
    # (a limit on processes as high as the shell's own was refused too).
    limits=(--ulimit "nofile=$(ulimit -Sn):$(ulimit -Sn)" --ulimit "nproc=4096:4096")
    build_options+=("${limits[@]}")
    run_options+=("${limits[@]}")
    # crun refuses a host that mounts cgroup v1 controllers beside v2 ("hybrid"); runc does not.
    if command -v runc >/dev/null; then
        engine_command=(podman --cgroup-manager=cgroupfs --runtime=runc)
    fi
fi
container() { "${engine_command[@]}" "$@"; }
container info >/dev/null 2>&1 || fail "$engine info failed: no container engine to run this on"
say "container engine: ${engine_command[*]}"
command -v psql >/dev/null || fail "psql is needed to make the test database"
psql "$ADMIN_URL" -Atqc "SELECT 1" >/dev/null 2>&1 || fail "PostgreSQL not reachable at $ADMIN_URL"

# 1. A base image from Debian's package archive, unless one is given or already made.
if ! container image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    [ "$BASE_IMAGE" = huihui-base:bookworm ] || fail "base image $BASE_IMAGE not found"
    command -v debootstrap >/dev/null ||
        fail "debootstrap makes the base image (apt-get install debootstrap), or set HUIHUI_BASE_IMAGE"
    [ "$(id -u)" = 0 ] || fail "debootstrap needs root to make the base image"
    root=$(mktemp -d)
    chmod 755 "$root"  # it becomes the image's /: mktemp's 0700 would shut the bot's user out
    say "making $BASE_IMAGE from $MIRROR"
    debootstrap --variant=minbase \
        --include=python3,python3-venv,ca-certificates,postgresql-client \
        bookworm "$root" "$MIRROR" >/dev/null
    # The base trusts what this machine trusts: behind a TLS-inspecting proxy, pip in the build
    # reaches PyPI only through the proxy's certificate authority.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
        chroot "$root" update-ca-certificates >/dev/null
    fi
    tar -C "$root" -c . | container import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV LANG=C.UTF-8' - "$BASE_IMAGE" >/dev/null
    rm -rf "$root"
fi

# 2. The image.
say "building $IMAGE on $BASE_IMAGE"
container build "${build_options[@]}" --quiet --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" . >/dev/null

# 3. A fresh database, a Bot API stand-in, and cleaning up whatever happens.
database=huihui_image_test_$$
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api_port=$(free_port); leader_port=$(free_port); standby_port=$(free_port)
cleanup() {
    container rm -f huihui-image-test-leader huihui-image-test-standby >/dev/null 2>&1 || true
    [ -n "${standin:-}" ] && kill "$standin" 2>/dev/null || true
    psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$ADMIN_URL" -qc "CREATE DATABASE $database" >/dev/null
"$PYTHON" -m tests.telegram_standin "$api_port" >/dev/null &
standin=$!
database_url=$(
    "$PYTHON" -c 'import sys; from sqlalchemy.engine import make_url; print(make_url(sys.argv[1]).set(drivername="postgresql+asyncpg", database=sys.argv[2]).render_as_string(hide_password=False))' \
        "$ADMIN_URL" "$database"
)

start() {  # name, port
    container run "${run_options[@]}" --detach --name "huihui-image-test-$1" --network host \
        --health-interval=2s --health-start-period=60s \
        -e HUIHUI_BOT_TOKEN="$TOKEN" -e HUIHUI_BOT_API_URL="http://127.0.0.1:$api_port/$1" \
        -e HUIHUI_DATABASE_URL="$database_url" -e HUIHUI_HTTP_PORT="$2" \
        "$IMAGE" run >/dev/null
}
# Status and body of a GET, without curl (the image and the host may lack it).
get() { "$PYTHON" - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as answer:
        print(answer.status, answer.read().decode())
except urllib.error.HTTPError as refused:
    print(refused.code, refused.read().decode())
except OSError:
    print("000")
PY
}
wait_for() {  # url, wanted start of "status body", seconds
    local seen=""
    for _ in $(seq "$(( $3 * 2 ))"); do
        seen=$(get "$1")
        [[ "$seen" == "$2"* ]] && return 0
        sleep 0.5
    done
    container logs huihui-image-test-leader 2>&1 | tail -20 >&2
    fail "$1 answered '$seen', expected '$2…'"
}

# 4. The leader: alive, ready, healthy, not root.
start leader "$leader_port"
wait_for "http://127.0.0.1:$leader_port/healthz" "200" 60
wait_for "http://127.0.0.1:$leader_port/readyz" '200 {"role":"leader"' 60
say "leader: /healthz 200, /readyz 200 leader"
for _ in $(seq 60); do
    if [ "$engine" = podman ]; then
        # Podman runs health checks from systemd timers; without systemd, run the check itself.
        if container healthcheck run huihui-image-test-leader >/dev/null 2>&1; then
            health=healthy
        else
            health=unhealthy
        fi
    else
        health=$(docker inspect --format '{{.State.Health.Status}}' huihui-image-test-leader)
    fi
    [ "$health" = healthy ] && break
    sleep 1
done
[ "$health" = healthy ] || fail "the container's HEALTHCHECK says $health"
user=$(container exec huihui-image-test-leader id -u)
[ "$user" != 0 ] || fail "the bot runs as root"
say "HEALTHCHECK healthy; runs as uid $user"

# 5. A second container on the same database waits as standby.
start standby "$standby_port"
wait_for "http://127.0.0.1:$standby_port/readyz" '503 {"role":"standby"' 60
say "second container: /readyz 503 standby"
say "passed"
