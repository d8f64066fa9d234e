"""The word prior's two settings against word accuracy, on the real validation splits.

The recognizer's per-frame probabilities are computed once per crop; each (unknown-word penalty,
frequency weight) pair then decodes the same probabilities. The crops are the validation splits of
train_real (chosen for choosing: never trained on, and not the benchmark sets), so the chosen settings
are not tuned to an evaluation set. Greedy decoding is the first row.

    python benchmarks/lexicon_params.py [--model PATH] [--data-root ../shared/data]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ocrforge.data.readers import open_dataset
from ocrforge.eval.metrics import score
from ocrforge.preprocess import batches_by_width
from ocrforge.runtime.onnx import RECOGNIZERS, shipped_model
from ocrforge.runtime.recognizer import Recognizer
from ocrforge.text.ctc import BEAM_WITH_LEXICON, beam_decode, greedy_decode
from ocrforge.text.lexicon import Lexicon, built_in_frequencies

GRID = {"unknown_word_penalty": (1.0, 2.0, 3.0, 4.0, 6.0, 9.0), "frequency_weight": (0.0, 0.1, 0.3, 0.5, 0.8)}
SETS = {"ic15": "folder:{root}/train_real/val/ic15_words", "iiit5k": "folder:{root}/train_real/val/iiit5k_words",
        "svt": "folder:{root}/train_real/val/svt_words", "sroie": "folder:{root}/train_real/val/sroie_lines"}
SROIE_CROPS = 400  # of 1,088 lines: enough to see a trend, and the Python beam search is slow on lines


def frame_probabilities(recognizer: Recognizer, spec: str, limit: int | None) -> tuple[list[np.ndarray], list[str]]:
    """Each crop's (T, C) probabilities, cut to its own frames, and its label."""
    samples = list(open_dataset(spec, limit))
    crops = [recognizer.prepare(s.image) for s in samples]
    frames: list[np.ndarray] = [np.empty(0)] * len(crops)
    stride = recognizer.info.width_stride
    for idx, images, widths in batches_by_width(crops, 32):
        probs = recognizer.session.run(["probs"], {"images": images})[0]
        for i, row, width in zip(idx, probs, widths):
            frames[i] = row[: min(len(row), -(-int(width) // stride))]
    return frames, [s.text for s in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="ONNX CTC recognizer (default: the shipped CRNN)")
    parser.add_argument("--data-root", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    recognizer = Recognizer(args.model or shipped_model(RECOGNIZERS["crnn"]))
    data = {name: frame_probabilities(recognizer, spec.format(root=args.data_root), SROIE_CROPS if name == "sroie" else None)
            for name, spec in tqdm(SETS.items(), desc="probabilities")}
    charset = recognizer.info.charset

    def row(label: str, lexicon: Lexicon | None) -> str:
        accuracy = {}
        for name, (frames, labels) in data.items():
            texts = [greedy_decode(f, charset).text if lexicon is None
                     else beam_decode(f, charset, BEAM_WITH_LEXICON, lexicon=lexicon).text for f in frames]
            accuracy[name] = score(texts, labels).word_accuracy_alnum
        cells = " | ".join(f"{accuracy[name]:.1%}" for name in SETS)
        return f"| {label} | {cells} | {np.mean(list(accuracy.values())):.1%} |"

    print(f"| decoding | {' | '.join(SETS)} | mean |")
    print("|---|" + "---:|" * (len(SETS) + 1))
    print(row("greedy", None), flush=True)
    for penalty, weight in tqdm(list(itertools.product(*GRID.values())), desc="settings"):
        lexicon = Lexicon(built_in_frequencies("english"), "english", unknown_word_penalty=penalty, frequency_weight=weight)
        print(row(f"penalty {penalty:g}, weight {weight:g}", lexicon), flush=True)


if __name__ == "__main__":
    main()
