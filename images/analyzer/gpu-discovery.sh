#!/usr/bin/env bash
# Spark's GPU discovery script (spark.{driver,executor}.resource.gpu.discoveryScript): prints
# the GPUs this container may use as {"name":"gpu","addresses":["0","1",...]}.
# The device plugin exposes only the GPUs the pod was given, so every index nvidia-smi lists
# belongs to this executor. No GPU (or no nvidia-smi) prints an empty list, which Spark
# reports as a missing resource rather than a crash of this script.
set -euo pipefail

addresses=""
if command -v nvidia-smi >/dev/null 2>&1; then
    while IFS= read -r index; do
        index="${index//[[:space:]]/}"
        [ -z "$index" ] && continue
        addresses="${addresses:+$addresses,}\"$index\""
    done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
printf '{"name":"gpu","addresses":[%s]}\n' "$addresses"
