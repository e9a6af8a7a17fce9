#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster:
#
#   scripts/with-test-postgres.sh swift test --skip-build
#
# Creates a cluster in a temporary directory as an unprivileged user (the system user `vledger-test`,
# created when running as root), starts it on 127.0.0.1 on a free port (fsync off: test data only),
# creates the role `vledger` (password authentication, CREATEDB, no superuser) and its database,
# exports VLEDGER_TEST_POSTGRES_URL=postgres://vledger:...@127.0.0.1:PORT/vledger, runs the command,
# and always stops the cluster and removes the directory, exiting with the command's status.
# It also starts a hot standby of the cluster (streaming replication from a base backup) on another free
# port and exports it as VLEDGER_TEST_POSTGRES_REPLICA_PORT; the role may pause and resume its replay
# (pg_wal_replay_pause) in every database made from template1, so tests can make it lag on purpose.
# When PgBouncer is installed, it also starts one in transaction pooling mode in front of the cluster
# (every database, the role `vledger`) and exports its port as VLEDGER_TEST_PGBOUNCER_PORT.
# Installs nothing: `make postgres-deps` does (PostgreSQL binaries under /usr/lib/postgresql/*/bin, pgbouncer).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

PG_BIN="${PG_BIN:-}"
if [ -z "$PG_BIN" ]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "with-test-postgres: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; run 'make postgres-deps'" >&2
    exit 69
fi

# The unprivileged user the server runs as (postgres refuses to run as root).
if [ "$(id -u)" -eq 0 ]; then
    PG_USER=vledger-test
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
    fi
    # From inside the work directory: the caller's directory may be closed to that user.
    as_pg_user() { (cd "$WORK_DIR" && runuser -u "$PG_USER" -- "$@"); }
else
    PG_USER="$(id -un)"
    as_pg_user() { "$@"; }
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vledger-pg.XXXXXX")"
DATA_DIR="$WORK_DIR/data"
STANDBY_DIR="$WORK_DIR/standby"
SOCKET_DIR="$WORK_DIR/socket"
LOG_FILE="$WORK_DIR/server.log"
mkdir -p "$SOCKET_DIR"
[ "$(id -u)" -eq 0 ] && chown -R "$PG_USER" "$WORK_DIR"
chmod 700 "$WORK_DIR"
STARTED=0
STANDBY_STARTED=0

BOUNCER_STARTED=0
STANDBY_STARTED=0

cleanup() {
    local status=$?
    if [ "$BOUNCER_STARTED" -eq 1 ] && [ -s "$WORK_DIR/pgbouncer.pid" ]; then
        kill "$(cat "$WORK_DIR/pgbouncer.pid")" 2>/dev/null || true
    fi
    if [ "$STANDBY_STARTED" -eq 1 ]; then
        as_pg_user "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "$STARTED" -eq 1 ]; then
        as_pg_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SUPERUSER_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
ROLE_PASSWORD="vledger-test-$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
printf '%s\n' "$SUPERUSER_PASSWORD" >"$WORK_DIR/pwfile"
[ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$WORK_DIR/pwfile"

as_pg_user "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres --pwfile="$WORK_DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$WORK_DIR/initdb.log" 2>&1 \
    || { cat "$WORK_DIR/initdb.log" >&2; exit 70; }

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts the cluster in $1 on a free port with the log $2 and the socket directory $3; prints the port.
start_cluster() {
    local candidate
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        candidate=$((20000 + RANDOM % 40000))
        port_is_free "$candidate" || continue
        if as_pg_user "$PG_BIN/pg_ctl" -D "$1" -l "$2" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -p $candidate -k $3 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB" \
            >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

PORT="$(start_cluster "$DATA_DIR" "$LOG_FILE" "$SOCKET_DIR")" || {
    echo "with-test-postgres: the server did not start; its log:" >&2
    cat "$LOG_FILE" >&2 || true
    exit 70
}
STARTED=1

as_pg_user "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -U postgres -d postgres \
    -c "CREATE ROLE vledger LOGIN CREATEDB PASSWORD '$ROLE_PASSWORD'" \
    -c "CREATE DATABASE vledger OWNER vledger" >/dev/null
for database in template1 vledger; do
    as_pg_user "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -U postgres -d "$database" \
        -c "GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume() TO vledger" >/dev/null
done

# The hot standby: a base backup that streams the WAL (-R writes primary_conninfo and standby.signal).
STANDBY_SOCKET_DIR="$WORK_DIR/standby-socket"
mkdir -p "$STANDBY_SOCKET_DIR"
[ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$STANDBY_SOCKET_DIR"
as_pg_user "$PG_BIN/pg_basebackup" -h "$SOCKET_DIR" -p "$PORT" -U postgres -D "$STANDBY_DIR" -R -X stream --no-sync \
    >"$WORK_DIR/basebackup.log" 2>&1 || { echo "with-test-postgres: the standby's base backup failed:" >&2; cat "$WORK_DIR/basebackup.log" >&2; exit 70; }
REPLICA_PORT="$(start_cluster "$STANDBY_DIR" "$WORK_DIR/standby.log" "$STANDBY_SOCKET_DIR")" || {
    echo "with-test-postgres: the standby did not start; its log:" >&2
    cat "$WORK_DIR/standby.log" >&2 || true
    exit 70
}
STANDBY_STARTED=1
export VLEDGER_TEST_POSTGRES_REPLICA_PORT="$REPLICA_PORT"

export VLEDGER_TEST_POSTGRES_URL="postgres://vledger:$ROLE_PASSWORD@127.0.0.1:$PORT/vledger?sslmode=disable"

PGBOUNCER="${PGBOUNCER:-$(command -v pgbouncer || ls /usr/sbin/pgbouncer 2>/dev/null || true)}"
if [ -n "$PGBOUNCER" ] && [ -x "$PGBOUNCER" ]; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        BOUNCER_PORT=$((20000 + RANDOM % 40000))
        port_is_free "$BOUNCER_PORT" && [ "$BOUNCER_PORT" != "$PORT" ] && break
    done
    # Transaction pooling: a server connection belongs to a client for one transaction only.
    cat >"$WORK_DIR/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK_DIR/userlist.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 400
logfile = $WORK_DIR/pgbouncer.log
pidfile = $WORK_DIR/pgbouncer.pid
INI
    printf '"vledger" "%s"\n' "$ROLE_PASSWORD" >"$WORK_DIR/userlist.txt"
    [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$WORK_DIR/pgbouncer.ini" "$WORK_DIR/userlist.txt"
    # As a daemon (its pid in pgbouncer.pid), so that it holds none of the caller's output open.
    as_pg_user "$PGBOUNCER" -d -q "$WORK_DIR/pgbouncer.ini" </dev/null >/dev/null 2>&1 \
        || { echo "with-test-postgres: PgBouncer did not start:" >&2; cat "$WORK_DIR/pgbouncer.log" >&2 || true; exit 70; }
    BOUNCER_STARTED=1
    for _ in $(seq 1 50); do
        port_is_free "$BOUNCER_PORT" || break
        sleep 0.1
    done
    if port_is_free "$BOUNCER_PORT"; then
        echo "with-test-postgres: PgBouncer did not start; its log:" >&2
        cat "$WORK_DIR/pgbouncer.log" >&2 || true
        exit 70
    fi
    export VLEDGER_TEST_PGBOUNCER_PORT="$BOUNCER_PORT"
    echo "with-test-postgres: PgBouncer $("$PGBOUNCER" --version | head -n 1 | awk '{print $2}') (transaction pooling) on 127.0.0.1:$BOUNCER_PORT" >&2
fi
echo "with-test-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, its hot standby on 127.0.0.1:$REPLICA_PORT (data in $WORK_DIR)" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
