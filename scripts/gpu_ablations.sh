#!/usr/bin/env bash
# Both full ablations of the course on one GPU, at the seeds' settings:
#   EuroSAT (seed 000):       4 configs (BN x dropout p=0.05), 20 epochs, batch 64, Adam lr 1e-3
#   Fashion-MNIST (seed 004): 4 configs (baseline, dropout 0.5, weight decay 5e-4, BN),
#                             30 epochs, batch 128, Adam lr 1e-3
# The decoded data sit on the GPU and batches are sliced there (no DataLoader);
# fp32 (TF32 convolutions, PyTorch's default), as for the book's results, unless AMP=1 asks
# for bf16 autocast (hwlib's own default on a GPU with bf16, chosen with PRECISION=auto).
# Expected: well under 6 minutes on one H100/H200 (one-time JPEG decode included).
#
# Usage:  HWLIB_DATA=/path/to/data scripts/gpu_ablations.sh OUT_DIR
#   OUT_DIR/eurosat-ablation/{table.md,table.csv,table.json,curves.png,<config>/...}
#   OUT_DIR/fashion-mnist-ablation/...   and OUT_DIR/*.log, OUT_DIR/summary.md
# Environment: PYTHON (default python3), HWLIB_CACHE (default OUT_DIR/cache), AMP=1,
# PRECISION=fp32|bf16|auto (default fp32).
# Runs hwlib.train_cli directly, so it needs only torch, torchvision, numpy,
# Pillow, tqdm and matplotlib (not the autograder's packages).
set -euo pipefail

OUT=${1:?usage: HWLIB_DATA=DIR $0 OUT_DIR}
: "${HWLIB_DATA:?set HWLIB_DATA to the data root (holding eurosat/2750 and fashion-mnist/)}"
PYTHON=${PYTHON:-python3}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export HWLIB_CACHE=${HWLIB_CACHE:-$OUT/cache}
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
PRECISION=${PRECISION:-fp32}
[[ "${AMP:-0}" == 1 ]] && PRECISION=bf16
EXTRA=(--precision "$PRECISION")

"$PYTHON" - <<'EOF'
import torch
print(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}",
      f"({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "")
if not torch.cuda.is_available():
    raise SystemExit("no CUDA device: this script is meant for a GPU")
EOF

start=$(date +%s)
for dataset in eurosat fashion-mnist; do
  t0=$(date +%s)
  "$PYTHON" -m hwlib.train_cli ablation "$dataset" --device cuda --out "$OUT" "${EXTRA[@]}" \
    2>&1 | tee "$OUT/$dataset.log"
  echo "$dataset ablation: $(( $(date +%s) - t0 )) s" | tee -a "$OUT/timing.txt"
done
total=$(( $(date +%s) - start ))
echo "total: $total s" | tee -a "$OUT/timing.txt"

{
  for dataset in eurosat fashion-mnist; do
    cat "$OUT/$dataset-ablation/table.md"
    echo
  done
  echo "Wall time: $total s ($(cat "$OUT/timing.txt" | tr '\n' ';'))"
} > "$OUT/summary.md"
echo "tables: $OUT/summary.md"
