#!/usr/bin/env bash
# Clearbox and the tool a user would pick instead, on the same work and the
# same machine, one after the other; prints a table: work, Clearbox's figure,
# the peer's, their ratio, device, threads. Not part of the test suite.
#
#   benches/side_by_side.sh [model|train|explain|open|kmeans|simple|reinforcement|all]
#
# CLEARBOX: the binary to measure (default: target/release/clearbox; build
#   it with `cargo build --release`; a debug build measures the wrong thing).
# PYTHON: a python with the peers installed (default: python3), e.g.
#   python3 -m venv peers && peers/bin/pip install scikit-learn pandas pyarrow torch shap
#   (obp for reinforcement: see benches/peers/obp_reinforcement.py).
# DATA: the table for model/explain/open/simple (default: the bundled adult sample),
#   TARGET its column to predict, EXCLUDE columns to leave out (commas);
#   ROWS: synthetic rows for train/kmeans/reinforcement;
#   SHAP_ROWS: rows shap explains (default 10: it is slow).
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
CLEARBOX="${CLEARBOX:-${CARGO_TARGET_DIR:-target}/release/clearbox}"
PYTHON="${PYTHON:-python3}"
DATA="${DATA:-sample-data/adult_4000.csv}"
TARGET="${TARGET:-income}"
EXCLUDE="${EXCLUDE:-}"
ROWS="${ROWS:-1000000}"
SHAP_ROWS="${SHAP_ROWS:-10}"
[ -x "$CLEARBOX" ] || { echo "No Clearbox binary at $CLEARBOX: run 'cargo build --release' or set CLEARBOX." >&2; exit 2; }
# Absolute: the model row runs it from a scratch folder (its model folder
# lands there).
CLEARBOX=$(realpath "$CLEARBOX")
# The Vulkan and Wayland loaders complain without a runtime folder.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d); export XDG_RUNTIME_DIR
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=()

# Appends one row from two JSON files: figure names in each, "time" (lower is
# better: ratio = peer / Clearbox), "value" (a quality figure: both shown),
# "count" (whole numbers: both shown), "rate" or "alone".
row() {
  "$PYTHON" - "$@" <<'PY'
import json, os, sys
label, ours, peer, our_key, peer_key, kind = sys.argv[1:7]
a, b = json.load(open(ours)), json.load(open(peer))
def get(d, key):
    total = 0.0
    for k in key.split("+"):
        total += float(d[k])
    return total
x, y = get(a, our_key), get(b, peer_key)
if kind == "time":
    cells = [f"{x:.3f} s", f"{y:.3f} s", f"{y / x:.2f}x" if x > 0 else "-"]
elif kind == "rate":
    # Called with the peer's file first: Clearbox's rate is y.
    rate = lambda v: f"{v:,.0f}" if v >= 100 else f"{v:.3g}"
    cells = [rate(y), rate(x), f"{y / x:.2f}x" if x > 0 else "-"]
    a, b = b, a
elif kind == "count":
    cells = [f"{x:.0f}", f"{y:.0f}", f"{x - y:+.0f}"]
elif kind == "alone":
    # A figure with no peer (a target instead): only Clearbox's is shown.
    cells = [f"{x:.3f}", "-", "-"]
else:
    cells = [f"{x:.4f}", f"{y:.4f}", f"{x - y:+.4f}"]
print("\t".join([label, *cells, str(a.get("device", "cpu")), str(b.get("threads", os.cpu_count()))]))
PY
}

# Wall-clock seconds of a whole process, written into its JSON as "wall_seconds".
timed() {
  local out="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$out.raw"
  t1=$(date +%s.%N)
  "$PYTHON" - "$out.raw" "$out" "$t0" "$t1" <<'PY'
import json, sys
raw, out, t0, t1 = sys.argv[1:5]
d = json.load(open(raw))
d["wall_seconds"] = float(t1) - float(t0)
# Clearbox's train --json keeps the kept model's figures under kept (the
# deep model's under metrics).
if "kept" in d:
    d["auc"] = d["kept"]["test"].get("auc", float("nan"))
json.dump(d, open(out, "w"))
PY
}

if [[ "$what" == model || "$what" == all ]]; then
  # Time to a finished model, each a whole process from the CSV to scored
  # test rows (Clearbox also saves its model folder, as pressing Train does).
  data=$(realpath "$DATA")
  exclude=()
  [ -n "$EXCLUDE" ] && exclude=(--exclude "$EXCLUDE")
  (cd "$work" && timed ours.json "$CLEARBOX" train --template prediction --data "$data" --target "$TARGET" "${exclude[@]}" --json)
  timed "$work/trees.json" "$PYTHON" benches/peers/end_to_end.py trees "$data" "$TARGET" "${exclude[@]}"
  rows+=("$(row "time to a finished model, $(basename "$DATA") (HistGradientBoosting)" "$work/ours.json" "$work/trees.json" wall_seconds wall_seconds time)")
  rows+=("$(row "  test AUC" "$work/ours.json" "$work/trees.json" auc auc value)")
  if "$PYTHON" -c "import torch" 2>/dev/null; then
    timed "$work/mlp.json" "$PYTHON" benches/peers/end_to_end.py mlp "$data" "$TARGET" "${exclude[@]}"
    rows+=("$(row "time to a finished model, $(basename "$DATA") (PyTorch MLP script)" "$work/ours.json" "$work/mlp.json" wall_seconds wall_seconds time)")
    rows+=("$(row "  test AUC" "$work/ours.json" "$work/mlp.json" auc auc value)")
  fi
fi
if [[ "$what" == train || "$what" == all ]]; then
  # Rows per second: higher is better, so the ratio is Clearbox / peer here.
  "$CLEARBOX" bench train --json --rows "$ROWS" > "$work/ours.json"
  "$PYTHON" benches/peers/torch_train.py "$ROWS" > "$work/peer.json"
  rows+=("$(row "training rows/s, 2x256 MLP, batch 4096 (PyTorch eager)" "$work/peer.json" "$work/ours.json" rows_per_second rows_per_second rate)")
  rows+=("$(row "  first pass, kernels compiled (s)" "$work/ours.json" "$work/peer.json" first_pass_seconds first_pass_seconds time)")
fi
if [[ "$what" == explain || "$what" == all ]]; then
  # Rows explained per second on the same network, background rows and
  # budget: 20 columns with sampled coalitions, then 10 columns where both
  # evaluate every coalition, so their values must agree to rounding.
  for shape in "20 2048" "10 1024"; do
    set -- $shape
    "$CLEARBOX" bench explain --json --columns "$1" --coalitions "$2" --rows 200 --write "$work/explain.json" > "$work/ours$1.json"
    "$PYTHON" benches/peers/shap_explain.py "$work/explain.json" --rows "$SHAP_ROWS" > "$work/peer.json"
    rows+=("$(row "rows explained/s, $1 columns, $2 coalitions x 100 background (shap KernelExplainer)" "$work/peer.json" "$work/ours$1.json" rows_per_second rows_per_second rate)")
    rows+=("$(row "  largest difference from shap's values (probability)" "$work/peer.json" "$work/peer.json" max_difference max_difference alone)")
    # The ceiling: the network's own layers on the same masked rows, nothing
    # else. No way of explaining that runs the model on each masked row
    # beats it on this machine, so its ratio bounds Clearbox's.
    rows+=("$(row "  the network alone on those masked rows (a ceiling)" "$work/peer.json" "$work/ours$1.json" rows_per_second network_alone_rows_per_second rate)")
  done
  rows+=("$(row "drivers on the explanation page, 20 columns, s (target: 10)" "$work/ours20.json" "$work/ours20.json" drivers_seconds drivers_seconds alone)")
  # A real table: where the row and a background row share a category or a
  # round number, masked rows come out the same and Clearbox evaluates each
  # once (the synthetic tables above share nothing).
  exclude=()
  [ -n "$EXCLUDE" ] && exclude=(--exclude "$EXCLUDE")
  "$CLEARBOX" bench explain --json --data "$DATA" --target "$TARGET" "${exclude[@]}" --coalitions 2048 --rows 200 --write "$work/explain.json" > "$work/ours_data.json"
  "$PYTHON" benches/peers/shap_explain.py "$work/explain.json" --rows "$SHAP_ROWS" > "$work/peer.json"
  rows+=("$(row "rows explained/s, $(basename "$DATA"), 2048 coalitions x 100 background (shap KernelExplainer)" "$work/peer.json" "$work/ours_data.json" rows_per_second rows_per_second rate)")
  rows+=("$(row "  largest difference from shap's values (probability)" "$work/peer.json" "$work/peer.json" max_difference max_difference alone)")
  rows+=("$(row "  share of masked rows the model ran (the rest repeat one)" "$work/ours_data.json" "$work/ours_data.json" evaluated_share evaluated_share alone)")
  rows+=("$(row "drivers on the explanation page, $(basename "$DATA"), s (target: 10)" "$work/ours_data.json" "$work/ours_data.json" drivers_seconds drivers_seconds alone)")
fi
if [[ "$what" == open || "$what" == all ]]; then
  "$CLEARBOX" bench open --json "$DATA" > "$work/ours.json"
  "$PYTHON" benches/peers/pandas_open.py "$DATA" > "$work/peer.json"
  rows+=("$(row "open + profile $(basename "$DATA") (pandas)" "$work/ours.json" "$work/peer.json" load_seconds+profile_seconds load_seconds+profile_seconds time)")
fi
if [[ "$what" == kmeans || "$what" == all ]]; then
  "$CLEARBOX" bench kmeans --json --rows "$ROWS" > "$work/ours.json"
  "$PYTHON" benches/kmeans_sklearn.py "$ROWS" > "$work/peer.json"
  rows+=("$(row "k-means $ROWS rows x 20, k=8 (scikit-learn)" "$work/ours.json" "$work/peer.json" seconds seconds time)")
  rows+=("$(row "  agreement with the true groups, mean ARI of 10 starts" "$work/ours.json" "$work/peer.json" adjusted_rand_index adjusted_rand_index value)")
  rows+=("$(row "  starts that found every group, of 10" "$work/ours.json" "$work/peer.json" starts_finding_every_group starts_finding_every_group count)")
fi
if [[ "$what" == simple || "$what" == all ]]; then
  "$CLEARBOX" bench simple --json "$DATA" --target "$TARGET" --write "$work/simple.json" > "$work/ours.json"
  "$PYTHON" benches/peers/sklearn_simple.py "$work/simple.json" > "$work/peer.json"
  rows+=("$(row "simple model on $(basename "$DATA") (scikit-learn GLM)" "$work/ours.json" "$work/peer.json" seconds seconds time)")
  rows+=("$(row "  its test figure" "$work/ours.json" "$work/peer.json" value value value)")
fi
if [[ "$what" == reinforcement || "$what" == all ]]; then
  "$CLEARBOX" bench reinforcement --json --rows "$ROWS" --write "$work/log.csv" > "$work/ours.json"
  if "$PYTHON" -c "import obp" 2>/dev/null; then
    "$PYTHON" benches/peers/obp_reinforcement.py "$work/log.csv" > "$work/peer.json"
    rows+=("$(row "policy from $ROWS logged decisions (Open Bandit Pipeline)" "$work/ours.json" "$work/peer.json" seconds seconds time)")
    # What the time buys: each tool's learned policy, valued by its own
    # doubly robust estimate on the 30% of the decisions it held out, and
    # what the logged decisions earned there (each tool draws its own 30%).
    rows+=("$(row "  value of the learned policy (doubly robust estimate)" "$work/ours.json" "$work/peer.json" learned learned_dr value)")
    rows+=("$(row "  value of the logged decisions" "$work/ours.json" "$work/peer.json" logged logged value)")
  else
    echo "reinforcement: obp is not installed in $PYTHON; see benches/peers/obp_reinforcement.py" >&2
  fi
fi

{
  printf 'work\tClearbox\tpeer\tratio (above 1: Clearbox faster; figures: difference)\tdevice\tthreads\n'
  printf '%s\n' "${rows[@]}"
} | column -t -s $'\t'
