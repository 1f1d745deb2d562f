#!/usr/bin/env bash
# Stop the throwaway SLURM cluster that ci/slurm/up.sh started with the same STATE_DIR:
# cancel its jobs, stop slurmd, slurmctld and our munged (a system munged is left alone)
# through their pid files, and remove /etc/slurm/slurm.conf if it is this cluster's.
#
#   ci/slurm/down.sh STATE_DIR
set -uo pipefail

CONF=/etc/slurm/slurm.conf
MARKER="# hubspoke throwaway test cluster"

[[ $# -eq 1 && -d $1 ]] || {
    echo "usage: ci/slurm/down.sh STATE_DIR" >&2
    exit 1
}
STATE=$(cd "$1" && pwd)
ours=0
[[ -f $CONF ]] && head -n 1 "$CONF" | grep -qx "$MARKER; state in $STATE" && ours=1

running() { # a zombie has exited; only its parent (PID 1 here) has not reaped it yet
    [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

stop_daemon() {
    local pidfile=$STATE/$1.pid pid i
    [[ -f $pidfile ]] || return 0
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 50); do
        running "$pid" || break
        sleep 0.2
    done
    running "$pid" && kill -KILL "$pid" 2>/dev/null
    rm -f "$pidfile"
}

cancel_jobs() {
    local i
    [[ $ours -eq 1 ]] || return 0
    squeue --noheader --format=%A 2>/dev/null | xargs --no-run-if-empty scancel 2>/dev/null
    for i in $(seq 50); do
        [[ -z $(squeue --noheader --states=RUNNING,COMPLETING 2>/dev/null) ]] && return
        sleep 0.2
    done
}

cancel_jobs
stop_daemon slurmd
stop_daemon slurmctld
stop_daemon munged
[[ $ours -eq 1 ]] && rm -f "$CONF"
exit 0
