#!/usr/bin/env bash
# The recognizer's training campaign on a CPU: one stage per call, for as long as there is time.
#
#   bash scripts/campaign.sh MINUTES [RUN]     train for MINUTES (RUN defaults to runs/campaign)
#
# A stage starts from the committed training state (train-state/crnn-last.pt, with its architecture) with
# a fresh cosine schedule sized to end within MINUTES, half of every batch real crops of train_real, and the
# real validation splits choosing RUN/best.pt. Called again while RUN/last.pt exists, it continues that
# stage instead. When the time is up it keeps RUN/last.pt as train-state/crnn-last.pt (half precision,
# small enough to commit); RUN/best.pt replaces weights/crnn.onnx only when the mean of the real validation
# splits rises and none drops by more than a point (docs/training.md). Run it in the background:
#   nohup bash scripts/campaign.sh 150 > runs/campaign.log 2>&1 &
# A new stage may grow the network: MODEL_ARGS='{"channels": [...], ...}' wider than the state's, and
# SECONDS_PER_STEP to match the wider network's step time.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: campaign.sh MINUTES [RUN]}
run=${2:-runs/campaign}
state=train-state/crnn-last.pt
seconds_per_step=${SECONDS_PER_STEP:-1.7}  # one thread training beside one rendering, this 2-core machine
R=../shared/data/train_real

if [ -f "$run/last.pt" ]; then  # the same stage again: its schedule's length is in its lineage
  start=(--resume --steps "$(python3 -c "import torch; print(torch.load('$run/last.pt', weights_only=False)['lineage'][-1]['config']['steps'])")")
else  # a new stage: the state's architecture, or MODEL_ARGS (JSON) with wider channels to grow it
  start=(--init-from "$state" --steps "$(python3 -c "print(max(500, int($minutes * 60 / $seconds_per_step)))")"
         --model-args "${MODEL_ARGS:-$(python3 -c "import json, torch; a = torch.load('$state', weights_only=False)['model_args']; print(json.dumps({k: a[k] for k in ('channels', 'lstm_hidden', 'lstm_layers')}))")}")
fi

ocrforge train recognizer --out "$run" "${start[@]}" --lr 4e-4 --val-every 500 --threads 1 --render-workers 1 \
  --minutes "$minutes" \
  --real folder:$R/train/ic15_words --real folder:$R/train/iiit5k_words --real folder:$R/train/svt_words \
  --real boxes:$R/train/ic03_scenes --real boxes:$R/train/ic13_borndigital --real boxes:$R/train/svt_scenes \
  --real-caseless folder:$R/train/sroie_lines \
  --real-val folder:$R/val/ic15_words --real-val folder:$R/val/iiit5k_words --real-val folder:$R/val/svt_words \
  --real-val boxes:$R/val/ic03_scenes --real-val boxes:$R/val/ic13_borndigital --real-val folder:$R/val/sroie_lines
ocrforge export "$run/last.pt" --out "$state"
