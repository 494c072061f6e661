#!/usr/bin/env bash
# The book's full EuroSAT runs on a CPU (the training page, "Full runs on a 2-core CPU"):
#   seed-bf16  the course's settings for seed 000's best configuration (BN + dropout 0.05,
#              Adam lr 1e-3, batch 64, 20 epochs) at the default precision (bf16 autocast
#              on a CPU with native bf16, fp32 elsewhere)
#   seed-fp32  the same run forced to fp32 (--fp32): the full precision comparison
#   improved   the same network with flips/90-degree rotations, a cosine learning rate
#              (peak 2e-3) after one warm-up epoch, label smoothing 0.1 and AdamW (weight
#              decay 0.05), IMPROVED_EPOCHS epochs (default 10)
#   short-bf16, short-fp32  a short run of the seed configuration (SHORT_EPOCHS epochs,
#              default 3, on SHORT_LIMIT training images, default 2,700) in each precision:
#              the same-machine precision comparison when a full fp32 run does not fit
# Each run is timed by /usr/bin/time -v (wall time in OUT/<run>.time) and by the CLI.
#
# Usage:  HWLIB_DATA=/path/to/data scripts/cpu_runs.sh OUT_DIR [RUN ...]   (default: all three)
# Then:   scripts/cpu_runs.sh --collect OUT_DIR book/results/eurosat-cpu
#         (copies histories, curves, logs and timings, not the weights, into the book)
# Environment: PYTHON (default python3), THREADS (default 2; on a machine shared with other
# busy processes 1 is faster: two threads spin-wait for each other), DEVICE (default cpu).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1

if [[ "${1:-}" == --collect ]]; then
  SRC=${2:?usage: $0 --collect OUT_DIR DEST}; DEST=${3:?usage: $0 --collect OUT_DIR DEST}
  for dir in "$SRC"/*/; do
    run=$(basename "$dir")
    [[ -f "$dir/history.json" ]] || continue
    mkdir -p "$DEST/$run"
    for f in history.json history.csv curves.png; do   # curves.png appears when a run ends
      [[ -f "$dir/$f" ]] && cp "$dir/$f" "$DEST/$run/"
    done
    for f in "$SRC/$run.log" "$SRC/$run.time" "$SRC/$run.cmd"; do
      [[ -f "$f" ]] && cp "$f" "$DEST/$run/$(basename "$f" | sed "s/^$run\.//; s/^/run./")"
    done
  done
  echo "collected into $DEST"; exit 0
fi

OUT=${1:?usage: HWLIB_DATA=DIR $0 OUT_DIR [seed-bf16|seed-fp32|improved|short-bf16|short-fp32 ...]}
shift
: "${HWLIB_DATA:?set HWLIB_DATA to the data root (holding eurosat/2750)}"
PYTHON=${PYTHON:-python3}
THREADS=${THREADS:-2}
DEVICE=${DEVICE:-cpu}
RUNS=("$@"); [[ ${#RUNS[@]} -gt 0 ]] || RUNS=(seed-bf16 improved seed-fp32)
mkdir -p "$OUT"

SEED=(--bn --dropout 0.05 --epochs 20)
IMPROVED_EPOCHS=${IMPROVED_EPOCHS:-10}
SHORT_EPOCHS=${SHORT_EPOCHS:-3}
SHORT_LIMIT=${SHORT_LIMIT:-2700}
for run in "${RUNS[@]}"; do
  case "$run" in
    seed-bf16) args=("${SEED[@]}") ;;
    seed-fp32) args=("${SEED[@]}" --fp32) ;;
    short-bf16) args=(--bn --dropout 0.05 --epochs "$SHORT_EPOCHS" --limit "$SHORT_LIMIT" --precision bf16) ;;
    short-fp32) args=(--bn --dropout 0.05 --epochs "$SHORT_EPOCHS" --limit "$SHORT_LIMIT" --fp32) ;;
    improved)  args=(--bn --dropout 0.05 --epochs "$IMPROVED_EPOCHS" --lr 2e-3 --augment --schedule cosine --warmup-epochs 1
                     --label-smoothing 0.1 --optimizer adamw --weight-decay 0.05) ;;
    *) echo "unknown run $run (seed-bf16, seed-fp32, improved, short-bf16, short-fp32)" >&2; exit 2 ;;
  esac
  cmd=("$PYTHON" -m hwlib.train_cli train eurosat "${args[@]}" --device "$DEVICE"
       --num-threads "$THREADS" --out "$OUT" --name "$run")
  echo "python -m hwlib train eurosat ${args[*]} --device $DEVICE --num-threads $THREADS" > "$OUT/$run.cmd"
  echo "== $run: ${cmd[*]} (started $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$OUT/$run.log"
  /usr/bin/time -v -o "$OUT/$run.time" "${cmd[@]}" 2>&1 | tee -a "$OUT/$run.log"
  echo "== $run finished $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/$run.log"
done
