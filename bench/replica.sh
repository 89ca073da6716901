#!/usr/bin/env bash
# A private PostgreSQL primary with a streaming replica, for the benchmarks only
# (the machine's own cluster admits no replication connections; CI never runs this).
#
#   bench/replica.sh start DIR [PRIMARY_PORT] [REPLICA_PORT]   prints the two URLs
#   bench/replica.sh stop DIR                                  stops both, removes DIR
#
# Runs as root and starts both servers as the postgres user (runuser).
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
command=${1:?start or stop}
dir=${2:?a scratch directory}
as_postgres() { runuser -u postgres -- "$@"; }

case "$command" in
start)
    primary_port=${3:-5434}
    replica_port=${4:-5435}
    mkdir -p "$dir"
    chown postgres "$dir"
    as_postgres "$BIN/initdb" -A trust -U postgres -D "$dir/primary" >/dev/null
    echo "local replication all trust" >>"$dir/primary/pg_hba.conf"
    # Durability is not what is measured: fsync off keeps the seeding fast.
    settings="-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c shared_buffers=256MB -c max_connections=200"
    as_postgres "$BIN/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w \
        -o "-p $primary_port -k $dir $settings" start >/dev/null
    as_postgres "$BIN/pg_basebackup" -h "$dir" -p "$primary_port" -U postgres \
        -D "$dir/replica" -R -X stream
    as_postgres "$BIN/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w \
        -o "-p $replica_port -k $dir $settings -c hot_standby=on" start >/dev/null
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$primary_port/commerce_bench"
    echo "DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$replica_port/commerce_bench"
    ;;
stop)
    for node in replica primary; do
        if [ -d "$dir/$node" ]; then
            as_postgres "$BIN/pg_ctl" -D "$dir/$node" -m fast -w stop >/dev/null || true
        fi
    done
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR [PRIMARY_PORT] [REPLICA_PORT]" >&2
    exit 2
    ;;
esac
