"""Pre-rendered training shards: model-ready crops as uint8 arrays on disk.

Rendering costs more CPU than a training step on two cores, so samples are rendered once,
ahead of training, in seeded shards that any number of runs can reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.data.synth.recipe import TRAINING, SynthRecipe, sample
from ocrforge.preprocess import INPUT_HEIGHT, prepare_crop


@dataclass
class Shard:
    pixels: np.ndarray  # (H, sum of widths) uint8: the crops side by side
    offsets: np.ndarray  # (N + 1,) column where crop i starts; crop i is pixels[:, offsets[i]:offsets[i+1]]
    texts: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def crop(self, i: int) -> np.ndarray:
        return self.pixels[:, self.offsets[i] : self.offsets[i + 1]]



def _word_sample(seed: int, index: int) -> tuple[np.ndarray, str]:
    return sample(seed, index, TRAINING)


def _arched_sample(seed: int, index: int) -> tuple[np.ndarray, str]:
    return sample(seed, index, SynthRecipe(line_fraction=0.0, arched_fraction=1.0))


def _plate_sample(seed: int, index: int) -> tuple[np.ndarray, str]:
    from ocrforge.data.synth.plates import plate_crop

    return plate_crop(seed, index)


def _handwriting_sample(seed: int, index: int) -> tuple[np.ndarray, str]:
    from ocrforge.data.synth.handwriting import handwritten_line

    return handwritten_line(seed, index)


# What a shard can hold: word and line crops (the general recognizer), words set along arcs (more
# for the attention decoder), plate rows (the plate recognizer) or handwritten-looking lines.
SAMPLERS = {"words": _word_sample, "arched": _arched_sample, "plates": _plate_sample, "handwriting": _handwriting_sample}


def render_shard(seed: int, start: int, count: int, kind: str = "words", max_width: int = 1024) -> Shard:
    """Samples start..start+count of stream `seed`, prepared for the recognizer; over-wide ones are skipped."""
    make = SAMPLERS[kind]
    crops, texts = [], []
    for index in range(start, start + count):
        image, text = make(seed, index)
        crop = prepare_crop(image, INPUT_HEIGHT)
        if crop.shape[1] <= max_width:
            crops.append(crop)
            texts.append(text)
    offsets = np.concatenate([[0], np.cumsum([c.shape[1] for c in crops])]).astype(np.int64)
    return Shard(np.concatenate(crops, axis=1), offsets, texts)


def save_shard(shard: Shard, path: Path) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, pixels=shard.pixels, offsets=shard.offsets, texts=np.array(shard.texts, dtype=object))
    tmp.rename(path)  # readers never see a half-written shard


def load_shard(path: Path) -> Shard:
    data = np.load(path, allow_pickle=True)
    return Shard(data["pixels"], data["offsets"], [str(t) for t in data["texts"]])
