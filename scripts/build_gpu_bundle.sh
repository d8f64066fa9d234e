#!/usr/bin/env bash
# Build what a training run on the lent GPU machine carries beside the working tree (that machine has
# no network, no Debian fonts and no ../shared): gpu/fonts (a subset of the engine's fonts), gpu/real and
# gpu/val (the real training crops and validation splits, 32 px high), gpu/wheels (the packages training
# needs beyond torch, numpy, Pillow, OpenCV and onnx there). gpu/ is ignored by git; name it in the
# device run's carry.
#   bash scripts/build_gpu_bundle.sh [DATA]      DATA: the train_real folder (default ../shared/data/train_real)
#   SETS=handwriting bash scripts/build_gpu_bundle.sh   the handwriting recognizer's sets instead, in gpu-handwriting/
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/train_real}
sets=${SETS:-print}
out=${GPU_BUNDLE:-$([ "$sets" = handwriting ] && echo gpu-handwriting || echo gpu)}
mkdir -p "$out"
[ -d "$out/fonts" ] || python3 scripts/build_font_bundle.py --out "$out/fonts"
# JPEG at 75 and at most 3,000 receipt lines (of 10,225) and 300 validation crops a set: what travels is
# at most 64 MiB with the 40 MiB working tree (PNG would be 67 MB of crops alone).
pack() { python3 scripts/pack_real_crops.py --jpeg 75 "$@"; }
if [ "$sets" = handwriting ]; then  # the real lines, every one (2,244: 5.5 MB at 32 px) and the validation hands
  [ -d "$out/real" ] || pack --out "$out/real" --charset latin --handwritten "htr_testaments=folder:$data/train/htr_testaments"
  [ -d "$out/val" ] || pack --out "$out/val" --charset latin --set "htr_testaments=folder:$data/val/htr_testaments"
elif [ ! -d "$out/real" ]; then
  pack --out "$out/real" --set "ic15_words=folder:$data/train/ic15_words" --set "iiit5k_words=folder:$data/train/iiit5k_words" \
    --set "svt_words=folder:$data/train/svt_words" --set "ic03_scenes=boxes:$data/train/ic03_scenes" \
    --set "ic13_borndigital=boxes:$data/train/ic13_borndigital" --set "svt_scenes=boxes:$data/train/svt_scenes"
  pack --out "$out/real" --limit 3000 --caseless "sroie_lines=folder:$data/train/sroie_lines"
fi
[ -d "$out/val" ] || [ "$sets" = handwriting ] || pack --out "$out/val" --limit 300 --set "ic15_words=folder:$data/val/ic15_words" \
  --set "iiit5k_words=folder:$data/val/iiit5k_words" --set "svt_words=folder:$data/val/svt_words" \
  --set "ic13_borndigital=boxes:$data/val/ic13_borndigital" --caseless "sroie_lines=folder:$data/val/sroie_lines"
[ -d "$out/wheels" ] || python3 -m pip download -q --disable-pip-version-check --only-binary=:all: \
  --python-version 3.12 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --no-deps \
  -d "$out/wheels" tqdm rapidfuzz
du -sb "$out"/* | awk '{printf "%s %.1f MB\n", $2, $1 / 1e6}'
tree=$(git ls-files -z | xargs -0 du -cb | tail -n 1 | cut -f1)
echo "with the tracked tree: $(( ($(du -sb "$out" | cut -f1) + tree) / 1048576 )) MiB of the 64 MiB that can travel"
