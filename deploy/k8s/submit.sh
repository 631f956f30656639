#!/usr/bin/env bash
# Runs effbench on Kubernetes: the shared volume, the Indexed Job of shards, and once every index
# has completed, the merge Job. Uses the current kubectl context and namespace.
#
#   deploy/k8s/submit.sh [timeout, default 4h]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubectl apply -f "$here/volume.yaml" -f "$here/shards-job.yaml"
kubectl wait --for=condition=complete --timeout="${1:-4h}" job/effbench-shards
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete --timeout=30m job/effbench-merge
echo "merged run on the volume effbench-results under /results/cluster/merged"
