#!/usr/bin/env bash
# Cold start on a graphics card, measured in one go on a machine that has
# one. It builds nothing: give it release binaries built beforehand (gzipped
# or not) and a python with torch for the peer. Each figure comes from a
# fresh process, first with the driver's and CubeCL's caches emptied (cold),
# then again with what the cold run left behind (warm):
#   - time from Train to a finished model on adult (whole `clearbox train` process);
#   - `clearbox bench train --device gpu`: first step, second step, first
#     evaluation, first pass, steady rows/s;
#   - PyTorch CUDA on the same network and batch (benches/peers/torch_train.py).
#
#   BINARIES="A=bin/clearbox-a.gz B=bin/clearbox-b.gz" benches/gpu/run.sh
#
# BINARIES: label=path pairs, one per build to compare (default: A=the
#   release binary). The three variants, each built beforehand (into its own
#   CARGO_TARGET_DIR, or copied away after each build):
#     A  today's features:              cargo build --release
#     B  adding burn's `vulkan` (SPIR-V passthrough), `persistence` and
#        compiled kernels kept in ~/.cache/cubecl:
#                                       cargo build --release --features gpu-cache
#     C  B without `fusion`:            cargo build --release --no-default-features --features gpu-cache
#   Each binary names its variant in `bench train --json` ("build"), printed
#   in the table. A build that fails or crashes (B dies on Mesa 22's
#   lavapipe; C, which shares its SPIR-V path, was not tried there) gets a
#   "failed (exit N)" row and the others are still measured.
# DATA: adult.csv (default: ../shared/datasets/prediction/adult.csv, else the
#   bundled 4 000-row sample); PYTHON: with torch (default python3).
# ROWS: rows per pass of the throughput bench (default 500000).
# DEVICE: gpu (default); cpu only checks the script's mechanics anywhere.
# Prints one table and writes every JSON under $OUT (or a temporary folder).
# Meant to finish in under 8 minutes on one GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."

BINARIES="${BINARIES:-A=${CARGO_TARGET_DIR:-target}/release/clearbox}"
PYTHON="${PYTHON:-python3}"
ROWS="${ROWS:-500000}"
DEVICE="${DEVICE:-gpu}"
DATA="${DATA:-}"
if [ -z "$DATA" ]; then
  if [ -f ../shared/datasets/prediction/adult.csv ]; then
    DATA=../shared/datasets/prediction/adult.csv
  else
    DATA=sample-data/adult_4000.csv
  fi
fi
DATA=$(realpath "$DATA")
exclude=()
head -1 "$DATA" | tr ',' '\n' | grep -qx split && exclude=(--exclude split)
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out/bin"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d); export XDG_RUNTIME_DIR
fi
# CubeCL's and the NVIDIA driver's caches: emptied before each cold run.
caches=("$HOME/.cache/cubecl" "$HOME/.nv/ComputeCache" "$HOME/.cache/nvidia" "$PWD/target/cubecl")
cold() { rm -rf "${caches[@]}"; }

now() { date +%s.%N; }
minus() { "$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - float(sys.argv[2]), 3))" "$1" "$2"; }
table=()
add() { table+=("$(printf '%s\t%s\t%s\t%s' "$@")"); }
figure() { "$PYTHON" -c "import json,sys; print(round(float(json.load(open(sys.argv[1]))[sys.argv[2]]), 3))" "$1" "$2"; }

for pair in $BINARIES; do
  label="${pair%%=*}"; path="${pair#*=}"
  bin="$out/bin/clearbox-$label"
  case "$path" in
    *.gz) gzip -dc "$path" > "$bin" ;;
    *) cp "$path" "$bin" ;;
  esac
  chmod +x "$bin"
  "$bin" devices --device "$DEVICE" --json > "$out/$label-devices.json" || true
  for state in cold warm; do
    [ "$state" = cold ] && cold
    work=$(mktemp -d)
    t0=$(now)
    # A build whose driver crashes (variant B's SPIR-V kills lavapipe from
    # Mesa 22 with a segmentation fault) gets a row saying so; the others
    # are still measured.
    if (cd "$work" && "$bin" train --device "$DEVICE" --template prediction --data "$DATA" --target income "${exclude[@]}" --json) > "$out/$label-$state-train.json"; then
      add "$label" "$state" "Train to finished model, $(basename "$DATA") (s)" "$(minus "$(now)" "$t0")"
    else
      rc=$?
      add "$label" "$state" "Train to finished model, $(basename "$DATA") (s)" "failed (exit $rc)"
    fi
    rm -rf "$work"
    [ "$state" = cold ] && cold
    if "$bin" bench train --device "$DEVICE" --json --rows "$ROWS" > "$out/$label-$state-bench.json"; then
      for key in first_step_seconds second_step_seconds first_evaluation_seconds first_pass_seconds rows_per_second; do
        add "$label" "$state" "bench train: $key" "$(figure "$out/$label-$state-bench.json" "$key")"
      done
      add "$label" "$state" "build" "$("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1])).get('build', 'A (before variants had names)'))" "$out/$label-$state-bench.json")"
    else
      rc=$?
      add "$label" "$state" "bench train" "failed (exit $rc)"
    fi
  done
done
if [ "$DEVICE" = gpu ] && "$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  for state in cold warm; do
    "$PYTHON" benches/peers/torch_train.py "$ROWS" 64 4096 5 --device cuda > "$out/torch-$state.json"
    for key in first_pass_seconds rows_per_second; do
      add torch "$state" "PyTorch CUDA: $key" "$(figure "$out/torch-$state.json" "$key")"
    done
  done
elif [ "$DEVICE" = gpu ]; then
  echo "PyTorch with CUDA is not available in $PYTHON: the peer rows are missing." >&2
fi
{
  printf 'build\tcaches\tmeasure\tvalue\n'
  printf '%s\n' "${table[@]}"
} | column -t -s $'\t' | tee "$out/table.txt"
echo "JSON and the table: $out" >&2
