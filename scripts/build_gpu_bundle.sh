#!/usr/bin/env bash
# Build what a training run on the lent GPU machine carries beside the working tree (that machine has
# no network, no Debian fonts and no ../shared): gpu/fonts (a subset of the engine's fonts), gpu/real and
# gpu/val (the real training crops and validation splits, 32 px high), gpu/wheels (the packages training
# needs beyond torch, numpy, Pillow, OpenCV and onnx there). gpu/ is ignored by git; name it in the
# device run's carry.
#   bash scripts/build_gpu_bundle.sh [DATA]      DATA: the train_real folder (default ../shared/data/train_real)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/train_real}
out=${GPU_BUNDLE:-gpu}
mkdir -p "$out"
[ -d "$out/fonts" ] || python3 scripts/build_font_bundle.py --out "$out/fonts" ${FONT_ARGS:-}
for split in train val; do
  target=$out/real; [ "$split" = val ] && target=$out/val
  [ -d "$target" ] || python3 scripts/pack_real_crops.py --out "$target" \
    --set "ic15_words=folder:$data/$split/ic15_words" --set "iiit5k_words=folder:$data/$split/iiit5k_words" \
    --set "svt_words=folder:$data/$split/svt_words" --set "ic03_scenes=boxes:$data/$split/ic03_scenes" \
    --set "ic13_borndigital=boxes:$data/$split/ic13_borndigital" --set "svt_scenes=boxes:$data/$split/svt_scenes" \
    --caseless "sroie_lines=folder:$data/$split/sroie_lines"
done
[ -d "$out/wheels" ] || python3 -m pip download -q --disable-pip-version-check --only-binary=:all: \
  --python-version 3.12 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --no-deps \
  -d "$out/wheels" tqdm rapidfuzz
du -sh "$out"/*
