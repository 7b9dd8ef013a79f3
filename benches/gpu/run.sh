#!/usr/bin/env bash
# Cold start on a graphics card, measured in one go on a machine that has
# one. It builds nothing: give it release binaries built beforehand (gzipped
# or not) and a python with torch for the peer. Each figure comes from a
# fresh process, first with the driver's and CubeCL's caches emptied (cold),
# then again with what the cold run left behind (warm):
#   - time from Train to a finished model on adult (whole `clearbox train` process);
#   - `clearbox bench train --device gpu`: first step, second step, first
#     evaluation, first pass, steady rows/s; and from cold caches once more
#     after the app's warm-up (`--warm-up`): its seconds and what is left;
#   - PyTorch CUDA on the same network and batch (benches/peers/torch_train.py).
#
#   BINARIES="A=bin/clearbox-a.gz B=bin/clearbox-b.gz" benches/gpu/run.sh
#
# BINARIES: label=path pairs, one per build to compare (default: A=the
#   release binary), each plain, .gz or .xz. The three variants, each built beforehand (into its own
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
# DATA: adult.csv, plain or .gz (default: ../shared/datasets/prediction/adult.csv, else the
#   bundled 4 000-row sample); PYTHON: with torch (default python3).
# ROWS: rows per pass of the throughput bench (default 500000).
# DEVICE: gpu (default); cpu only checks the script's mechanics anywhere.
# STEP_TIMEOUT: seconds any one command may take (default 150): a hung
#   driver costs one row, not the run.
# After the first binary's rows come the peers and the references on the
# same machine: the first binary on the CPU (all its cores), end to end;
# the PyTorch MLP script (benches/peers/end_to_end.py) on CUDA and
# HistGradientBoosting, each a whole process; explanations per second on the
# graphics card and on the CPU, with shap's KernelExplainer on the same work
# where this python has shap.
# Prints one table and writes every JSON under $OUT (or a temporary folder);
# each row is also appended to $OUT/table.tsv as it is measured, so a run
# cut short keeps what it measured. Meant to finish in under 8 minutes on
# one GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."

BINARIES="${BINARIES:-A=${CARGO_TARGET_DIR:-target}/release/clearbox}"
PYTHON="${PYTHON:-python3}"
ROWS="${ROWS:-500000}"
DEVICE="${DEVICE:-gpu}"
DATA="${DATA:-}"
STEP_TIMEOUT="${STEP_TIMEOUT:-150}"
if [ -z "$DATA" ]; then
  if [ -f ../shared/datasets/prediction/adult.csv ]; then
    DATA=../shared/datasets/prediction/adult.csv
  else
    DATA=sample-data/adult_4000.csv
  fi
fi
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
# Unpacked binaries and tables go here, not among the results.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# A packed table (the GPU machine takes 64 MiB) is unpacked first.
case "$DATA" in
  *.gz) gzip -dc "$DATA" > "$scratch/$(basename "${DATA%.gz}")"; DATA="$scratch/$(basename "${DATA%.gz}")" ;;
esac
DATA=$(realpath "$DATA")
exclude=()
head -1 "$DATA" | tr ',' '\n' | grep -qx split && exclude=(--exclude split)
: > "$out/table.tsv"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d); export XDG_RUNTIME_DIR
fi
# CubeCL's and the NVIDIA driver's caches: emptied before each cold run.
caches=("$HOME/.cache/cubecl" "$HOME/.nv/ComputeCache" "$HOME/.cache/nvidia" "$PWD/target/cubecl")
cold() { rm -rf "${caches[@]}"; }

now() { date +%s.%N; }
minus() { "$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - float(sys.argv[2]), 3))" "$1" "$2"; }
add() {
  printf '%s\t%s\t%s\t%s\n' "$@" >> "$out/table.tsv"
  printf '%s | %s | %s | %s\n' "$@" >&2
}
figure() { "$PYTHON" -c "import json,sys; print(round(float(json.load(open(sys.argv[1]))[sys.argv[2]]), 4))" "$1" "$2"; }
field() { "$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
# The kept model's test AUC from `clearbox train --json`, and which it kept.
kept() { "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(d['kept']['test']['auc'], 4), d['chosen'], 'deep', round(d['metrics']['test']['auc'], 4), d['epochs']['deep'], 'passes on', d['device'])" "$1" 2>/dev/null || echo "-"; }
step() { timeout "$STEP_TIMEOUT" "$@"; }

# A whole `clearbox train` on adult: the time and the kept model's AUC.
train_row() {
  local label="$1" state="$2" bin="$3" device="$4" work t0 rc=0
  work=$(mktemp -d)
  t0=$(now)
  # A build whose driver crashes (variant B's SPIR-V kills lavapipe from
  # Mesa 22 with a segmentation fault) gets a row saying so; the others
  # are still measured.
  (cd "$work" && step "$bin" train --device "$device" --template prediction --data "$DATA" --target income "${exclude[@]}" --json) > "$out/$label-$state-$device-train.json" || rc=$?
  if [ "$rc" = 0 ]; then
    add "$label" "$state" "Train to finished model on $device, $(basename "$DATA") (s)" "$(minus "$(now)" "$t0")"
    add "$label" "$state" "  kept test AUC, which, deep AUC, passes, device" "$(kept "$out/$label-$state-$device-train.json")"
  else
    add "$label" "$state" "Train to finished model on $device, $(basename "$DATA") (s)" "failed (exit $rc)"
  fi
  rm -rf "$work"
}

# The references on this machine, measured once after the first binary.
references() {
  local bin="$1" t0 rc
  train_row "$2" warm "$bin" cpu
  for kind in mlp trees; do
    local flags=()
    [ "$kind" = mlp ] && [ "$DEVICE" = gpu ] && flags=(--device cuda)
    t0=$(now); rc=0
    step "$PYTHON" benches/peers/end_to_end.py "$kind" "$DATA" income ${exclude[@]:+--exclude split} "${flags[@]}" > "$out/peer-$kind.json" || rc=$?
    if [ "$rc" = 0 ]; then
      add peer - "$(field "$out/peer-$kind.json" peer): whole process (s)" "$(minus "$(now)" "$t0")"
      add peer - "  test AUC" "$(figure "$out/peer-$kind.json" auc)"
    else
      add peer - "end_to_end.py $kind" "failed (exit $rc)"
    fi
  done
  for device in "$DEVICE" cpu; do
    rc=0 rows=1000
    # The processor explains fewer rows, to stay inside the step's time.
    [ "$device" = cpu ] && rows=200
    step "$bin" bench explain --device "$device" --json --columns 20 --coalitions 2048 --rows "$rows" --write "$out/explain-work.json" > "$out/explain-$device.json" || rc=$?
    if [ "$rc" = 0 ]; then
      add "$2" warm "bench explain on $device, 20 columns, 2048 coalitions: rows/s" "$(figure "$out/explain-$device.json" rows_per_second)"
      add "$2" warm "  drivers on the explanation page (s)" "$(figure "$out/explain-$device.json" drivers_seconds)"
    else
      add "$2" warm "bench explain on $device" "failed (exit $rc)"
    fi
  done
  if "$PYTHON" -c "import shap" 2>/dev/null && [ -f "$out/explain-work.json" ]; then
    rc=0
    step "$PYTHON" benches/peers/shap_explain.py "$out/explain-work.json" --rows 10 > "$out/explain-shap.json" || rc=$?
    if [ "$rc" = 0 ]; then
      add shap - "KernelExplainer, same work: rows/s" "$(figure "$out/explain-shap.json" rows_per_second)"
      add shap - "  largest difference from Clearbox's values" "$(figure "$out/explain-shap.json" max_difference)"
    fi
  else
    add shap - "KernelExplainer" "not installed in $PYTHON"
  fi
}

first=1
for pair in $BINARIES; do
  label="${pair%%=*}"; path="${pair#*=}"
  bin="$scratch/clearbox-$label"
  case "$path" in
    *.gz) gzip -dc "$path" > "$bin" ;;
    # xz packs a release binary a third smaller than gzip (the GPU machine
    # takes 64 MiB); python's lzma reads it where xz is missing.
    *.xz) xz -dc "$path" > "$bin" 2>/dev/null || "$PYTHON" -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)" "$path" > "$bin" ;;
    *) cp "$path" "$bin" ;;
  esac
  chmod +x "$bin"
  step "$bin" devices --device "$DEVICE" --json > "$out/$label-devices.json" 2>&1 || true
  for state in cold warm; do
    [ "$state" = cold ] && cold
    train_row "$label" "$state" "$bin" "$DEVICE"
    [ "$state" = cold ] && cold
    rc=0
    step "$bin" bench train --device "$DEVICE" --json --rows "$ROWS" > "$out/$label-$state-bench.json" || rc=$?
    if [ "$rc" = 0 ]; then
      for key in first_step_seconds second_step_seconds first_evaluation_seconds first_pass_seconds rows_per_second; do
        add "$label" "$state" "bench train: $key" "$(figure "$out/$label-$state-bench.json" "$key")"
      done
      add "$label" "$state" "build" "$("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1])).get('build', 'A (before variants had names)'))" "$out/$label-$state-bench.json")"
    else
      add "$label" "$state" "bench train" "failed (exit $rc)"
    fi
    # What the app's warm-up (ml::warm, run when it finds a card) leaves for
    # the first Train, from cold caches, in one process.
    if [ "$state" = cold ]; then
      cold
      rc=0
      step "$bin" bench train --device "$DEVICE" --json --rows "$ROWS" --warm-up > "$out/$label-warmed-bench.json" || rc=$?
      if [ "$rc" = 0 ]; then
        for key in warm_up_seconds first_step_seconds second_step_seconds first_pass_seconds; do
          add "$label" "cold, warmed up" "bench train: $key" "$(figure "$out/$label-warmed-bench.json" "$key")"
        done
      else
        add "$label" "cold, warmed up" "bench train --warm-up" "failed (exit $rc)"
      fi
    fi
  done
  if [ "$first" = 1 ]; then
    first=0
    if [ "$DEVICE" = gpu ] && "$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
      for state in cold warm; do
        step "$PYTHON" benches/peers/torch_train.py "$ROWS" 64 4096 5 --device cuda > "$out/torch-$state.json"
        for key in first_pass_seconds rows_per_second; do
          add torch "$state" "PyTorch CUDA: $key" "$(figure "$out/torch-$state.json" "$key")"
        done
      done
    elif [ "$DEVICE" = gpu ]; then
      add torch - "PyTorch CUDA" "not available in $PYTHON"
    fi
    references "$bin" "$label"
  fi
done
{
  printf 'build\tcaches\tmeasure\tvalue\n'
  cat "$out/table.tsv"
} | if command -v column >/dev/null; then column -t -s $'\t'; else cat; fi | tee "$out/table.txt"
echo "JSON and the table: $out" >&2
