#!/usr/bin/env bash
# One command for the lent GPU machine: trains the CRNN on real and synthetic crops for MINUTES from the
# committed state (or from STATE, a previous run's kept state), and leaves in $OUT the kept state
# (crnn-last.pt, half precision, no optimiser moments), the log and the validation table.
#   bash scripts/gpu_train.sh MINUTES [more `ocrforge train recognizer` arguments]
# Needs gpu/ beside it (scripts/build_gpu_bundle.sh): every set packed in gpu/real is trained on, every
# one in gpu/val validated on. Settings by environment: OUT (default
# /tmp/ocrforge-gpu), STATE (default train-state/crnn-last.pt; an exported model, `.onnx` or `handwriting`
# for the shipped one, starts a new schedule from its weights), STEPS (the schedule's total, default
# the state's step + 20000), DEVICE (default auto), BATCH (default 256), WORKERS (rendering
# processes, default all cores but two). The handwriting recognizer, from a bundle built with
# SETS=handwriting: GPU_BUNDLE=gpu-handwriting STATE=handwriting bash scripts/gpu_train.sh MINUTES
#   --validation lines --real-share 0.8 --lr 3e-4
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: gpu_train.sh MINUTES [train arguments]}
shift
bundle=${GPU_BUNDLE:-gpu}
out=${OUT:-/tmp/ocrforge-gpu}
state=${STATE:-train-state/crnn-last.pt}
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 OCRFORGE_FONT_DIR="$bundle/fonts"
python3 -c "import tqdm, rapidfuzz" 2>/dev/null ||
  python3 -m pip install -q --disable-pip-version-check --no-index --find-links "$bundle/wheels" tqdm rapidfuzz
cores=$(nproc)
workers=${WORKERS:-$(( cores > 3 ? cores - 2 : 1 ))}
run="$out/run"
mkdir -p "$run"
if [ "$state" = handwriting ] || [ "${state%.onnx}" != "$state" ]; then
  start=(--init-from "$state")  # its weights, settings and lineage; a schedule of its own
  steps=${STEPS:-20000}
else
  steps=${STEPS:-$(python3 -c "import sys, torch; print(torch.load(sys.argv[1], map_location='cpu', weights_only=False)['step'] + 20000)" "$state")}
  cp "$state" "$run/last.pt"  # --resume: the step count, schedule and lineage go on; fresh optimiser moments
  start=(--resume)
fi
sets=()  # every packed set: caseless ones (a `caseless` file inside) never teach case, handwritten ones vary
for folder in "$bundle"/real/*/; do
  folder=${folder%/}
  if [ -e "$folder/caseless" ]; then sets+=(--real-caseless "folder:$folder")
  elif [ -e "$folder/handwritten" ]; then sets+=(--real-handwritten "folder:$folder")
  else sets+=(--real "folder:$folder"); fi
done
for folder in "$bundle"/val/*/; do sets+=(--real-val "folder:${folder%/}"); done
python3 -m ocrforge train recognizer --out "$run" "${start[@]}" --steps "$steps" --minutes "$minutes" \
  --device "${DEVICE:-auto}" --batch-size "${BATCH:-256}" --render-workers "$workers" --threads 2 "${sets[@]}" "$@"
python3 -m ocrforge export "$run/last.pt" --out "$out/crnn-last.pt"
# best.pt exists only where this run's validation beat the state's best so far.
[ ! -f "$run/best.pt" ] || python3 -m ocrforge export "$run/best.pt" --out "$out/crnn-best.pt"
cp "$run/train.log" "$out/train.log"
python3 - "$run/last.pt" > "$out/validation.md" <<'PY'
import sys, torch
history = torch.load(sys.argv[1], map_location="cpu", weights_only=False)["history"]
keys = [k for k in history[-1] if k != "step"]
print("| step | " + " | ".join(keys) + " |\n|---|" + "---|" * len(keys))
for h in history[-10:]:
    print(f"| {h['step']} | " + " | ".join(str(h.get(k, "")) for k in keys) + " |")
PY
ls -la "$out"
