#!/usr/bin/env bash
# Submits an effbench run as a Slurm job array (one shard per task) and a merge job that waits
# for all of them. Run from the project checkout, on a filesystem every node mounts.
#
#   deploy/slurm/submit.sh <shards> <out-dir> [suite|group...]
#   EFFBENCH_PROFILE=smoke deploy/slurm/submit.sh 2 results/cluster dense-inference
#
# Prints "<array job id> <merge job id>". Extra sbatch options (partition, account, QOS) go in
# SBATCH_* environment variables, e.g. SBATCH_PARTITION=cpu, which sbatch reads itself.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <shards> <out-dir> [suite|group...]" >&2
  exit 2
fi
shards=$1
out=$(realpath -m "$2")
shift 2
if ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  echo "submit.sh: <shards> must be a positive integer, got \"$shards\"" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out/logs"
export EFFBENCH_OUT=$out
export EFFBENCH_ROOT=$root
export EFFBENCH_SUITES="${*:-${EFFBENCH_SUITES:-default}}"
export EFFBENCH_PROFILE=${EFFBENCH_PROFILE:-default}
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" \
  --output="$out/logs/shard-%A_%a.out" "$here/shard.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$out/logs/merge-%j.out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "$array $merge"
