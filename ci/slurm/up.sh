#!/usr/bin/env bash
# Bring up a throwaway single-node SLURM cluster on this machine from Debian's packages, for
# tests of the workflow under `snakemake --executor slurm` (tests/test_slurm.py).
#
#   ci/slurm/up.sh STATE_DIR [PARTITION]     (as root; stop it with ci/slurm/down.sh STATE_DIR)
#
# Installs munge, slurmctld, slurmd and slurm-client when missing, then starts munged (unless
# one is already running), slurmctld and slurmd as plain daemons (no systemd) with their state,
# logs and pid files in STATE_DIR, and waits until the node is idle. The configuration goes to
# /etc/slurm/slurm.conf because the executor's job steps call `srun` with SLURM_CONF removed
# from their environment; an existing configuration that is not ours is never overwritten.
# Exits non-zero, with the daemons' logs, when the cluster does not come up.
set -euo pipefail

export PATH=$PATH:/usr/sbin:/sbin # the daemons live there
CONF=/etc/slurm/slurm.conf
MARKER="# hubspoke throwaway test cluster"
HERE=$(cd "$(dirname "$0")" && pwd)

die() {
    echo "ci/slurm/up.sh: $*" >&2
    exit 1
}

[[ $# -ge 1 ]] || die "usage: ci/slurm/up.sh STATE_DIR [PARTITION]"
[[ $(id -u) -eq 0 ]] || die "must run as root (slurmd starts the jobs as their owner)"
mkdir -p "$1"
STATE=$(cd "$1" && pwd)
PARTITION=${2:-hubspoke}

install_packages() {
    local missing=0 tool
    for tool in munged mungekey slurmctld slurmd sbatch squeue envsubst; do
        command -v "$tool" >/dev/null || missing=1
    done
    if [[ $missing -eq 0 ]]; then
        return
    fi
    command -v apt-get >/dev/null || die "munge and slurm are missing and there is no apt-get"
    echo "installing munge and slurm from Debian's packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        munge slurmctld slurmd slurm-client gettext-base >/dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A configuration left by an interrupted run of this script is ours to clear away.
claim_config() {
    [[ -e $CONF ]] || return 0
    head -n 1 "$CONF" | grep -q "^$MARKER" \
        || die "$CONF already exists and is not a test cluster of ours; not touching it"
    local old
    old=$(head -n 1 "$CONF" | sed -n 's/.*; state in //p')
    if [[ -n $old && -d $old ]]; then
        "$HERE/down.sh" "$old"
    else
        rm -f "$CONF"
    fi
}

start_munge() {
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        return # a working munged (the system's) is already listening on the default socket
    fi
    install -d -m 0755 /run/munge
    mungekey --create --keyfile="$STATE/munge.key"
    munged --key-file="$STATE/munge.key" --pid-file="$STATE/munged.pid" \
        --log-file="$STATE/munged.log" --seed-file="$STATE/munged.seed"
}

write_config() {
    local node host
    node=$(slurmd -C | head -n 1) # NodeName=<host> CPUs=... RealMemory=... as slurmd sees it
    host=${node%% *}
    host=${host#NodeName=}
    mkdir -p "$STATE/slurmctld" "$STATE/slurmd" /etc/slurm
    CTLD_PORT=$(free_port)
    SLURMD_PORT=$(free_port)
    while [[ $SLURMD_PORT == "$CTLD_PORT" ]]; do SLURMD_PORT=$(free_port); done
    STATE=$STATE HOST=$host NODE=$node PARTITION=$PARTITION \
        CTLD_PORT=$CTLD_PORT SLURMD_PORT=$SLURMD_PORT \
        envsubst '$STATE $HOST $NODE $PARTITION $CTLD_PORT $SLURMD_PORT' \
        <"$HERE/slurm.conf.in" >"$CONF"
}

show_logs() {
    local log
    for log in "$STATE"/*.log; do
        if [[ -f $log ]]; then
            echo "--- $log"
            tail -n 20 "$log"
        fi
    done >&2
}

wait_for_idle_node() {
    local i state
    for i in $(seq 60); do
        state=$(sinfo --noheader --Node --format=%T 2>/dev/null || true)
        [[ $state == idle ]] && return
        sleep 0.5
    done
    show_logs
    die "the node did not become idle within 30 s (sinfo says: '${state}')"
}

install_packages
claim_config
start_munge || { show_logs; die "munged did not start"; }
write_config
slurmctld || { show_logs; die "slurmctld did not start"; }
slurmd || { show_logs; die "slurmd did not start"; }
wait_for_idle_node
echo "SLURM test cluster up: partition '$PARTITION', state in $STATE" >&2
