#!/usr/bin/env bash
# Proves deploy/slurm/ on a real Slurm: a one-node cluster on this machine (munged, slurmctld and
# slurmd, private config and state under a temporary folder), the job array of
# deploy/slurm/submit.sh with 2 tasks over the smoke profile, its merge job, and a single-process
# run of the same suites; passes when the merged records hold exactly the single run's keys.
#
#   bash scripts/slurm-check.sh [suite|group...]      (default: dense-inference sparse-engine)
#
# The cluster's config, logs and runs live in $TMPDIR/effbench-slurm.* (default /tmp); removed on a pass unless
# KEEP=1, kept on a failure.
# Needs root (installs Debian's slurm-wlm and munge when missing, runs the daemons). Not part of
# `npm test`: it took 91 s on this 2-core machine under load, most of it the three effbench runs. Exit 0 pass, 1 fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
suites=(dense-inference sparse-engine)
[ $# -gt 0 ] && suites=("$@")
start=$(date +%s)
say() { echo "slurm-check [$(($(date +%s) - start)) s]: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/effbench-slurm.XXXXXX")
host=$(hostname -s)
passed=
cleanup() {
  # Only the daemons this script started, by the pids they wrote.
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  if [ -n "$passed" ] && [ -z "${KEEP:-}" ]; then
    sleep 1 # let the daemons let go of their files
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# munge: a fresh key and socket of our own, so a system munged (if any) is left alone.
mkdir -p "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
sock="$work/munge/munge.socket"
munged --force --key-file="$work/munge/munge.key" --socket="$sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munge.seed"

cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<EOF
ClusterName=effbench-check
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=600
SchedulerType=sched/backfill
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$host"
for _ in $(seq 60); do
  if sinfo -h -o '%t' 2>/dev/null | grep -q '^idle'; then break; fi
  sleep 0.5
done
sinfo -h -o '%t' | grep -q '^idle' || {
  say "the node did not come up; logs in $work"
  tail -5 "$work/slurmctld.log" "$work/slurmd.log" >&2
  exit 1
}
say "one-node cluster up ($host, $cpus CPUs)"

out="$work/run"
t0=$(date +%s)
read -r array merge < <(EFFBENCH_PROFILE=smoke deploy/slurm/submit.sh 2 "$out" "${suites[@]}")
say "submitted array $array (2 tasks) and merge $merge over ${suites[*]} (smoke)"
state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
for _ in $(seq 600); do
  s=$(state "$merge")
  case "$s" in
  COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;;
  esac
  sleep 1
done
say "merge job $merge: ${s:-unknown} after $(($(date +%s) - t0)) s"
for task in 0 1; do
  echo "  array task $task: $(state "${array}_$task")"
done
if [ "$s" != COMPLETED ]; then
  tail -20 "$out"/logs/* >&2 || true
  exit 1
fi

single="$work/single"
t1=$(date +%s)
node bin/effbench.js run "${suites[@]}" --profile smoke --out "$single" --no-report >"$work/single.log" 2>&1
say "single-process run in $(($(date +%s) - t1)) s"

keys() { node -e 'const fs=require("fs");const ks=fs.readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean).map(l=>JSON.parse(l).key);console.log([...new Set(ks)].sort().join("\n"))' "$1"; }
keys "$out/merged/records.jsonl" >"$work/merged.keys"
keys "$single/records.jsonl" >"$work/single.keys"
n0=$(wc -l <"$out/shard-0/records.jsonl")
n1=$(wc -l <"$out/shard-1/records.jsonl")
say "shard records: $n0 + $n1; merged keys: $(wc -l <"$work/merged.keys"); single-process keys: $(wc -l <"$work/single.keys")"
if ! diff -u "$work/single.keys" "$work/merged.keys"; then
  say "FAIL: the merged record keys differ from the single-process run's"
  exit 1
fi
if [ "$n0" -eq 0 ] || [ "$n1" -eq 0 ]; then
  say "FAIL: a shard ran nothing, the split is not exercised"
  exit 1
fi
say "PASS: merged keys equal the single-process run's (total $(($(date +%s) - start)) s)"
passed=1
