"""Real labelled crops mixed into recognizer training: loaded once, changed on every draw (geometry,
blur, noise, JPEG, light; handwritten lines also slant, width, pen and small bends) so that a few
thousand photos are not learnt by heart, and marked caseless where their labels carry no case (SROIE)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ocrforge.data.readers import open_dataset
from ocrforge.data.synth.degrade import bend, degrade
from ocrforge.preprocess import prepare_crop, resize_to_height, to_gray
from ocrforge.text.charset import Charset
from ocrforge.train.batches import Sample

# Real crops are kept at most this high: detail enough for the geometry jitter before the 32-px input
# (and all a 64-px handwriting model reads).
KEEP_HEIGHT = 64


@dataclass
class RealSource:
    name: str  # the folder's name, as validation reports it
    images: list[np.ndarray]  # gray uint8, at most KEEP_HEIGHT high
    texts: list[str]
    caseless: bool  # labels in upper case whatever the print shows: never teach case
    handwritten: bool = False  # handwritten lines: each draw also varied as hands vary (vary_hand)

    def __len__(self) -> int:
        return len(self.texts)


def load_real(spec: str, charset: Charset, caseless: bool = False, limit: int | None = None,
              handwritten: bool = False) -> RealSource:
    """The crops of a `KIND:PATH` set whose text the charset can write (others are left out: the
    training log gives how many were kept); caseless labels are upper-cased, as the loss expects them."""
    images, texts, dropped = [], [], 0
    name = Path(spec.partition(":")[2]).name
    for sample in tqdm(open_dataset(spec, limit), desc=f"load {name}", unit="crop", mininterval=5, leave=False):
        text = sample.text.replace("\u00a0", " ")  # a transcriber's no-break space is a space to a reader
        text = text.upper() if caseless else text
        if not text.strip() or text not in charset or min(sample.image.shape[:2]) < 2:
            dropped += 1
            continue
        gray = to_gray(sample.image)
        images.append(resize_to_height(gray, KEEP_HEIGHT) if gray.shape[0] > KEEP_HEIGHT else gray)
        texts.append(text)
    if not texts:
        raise ValueError(f"{spec}: no crop with a text the charset can write ({dropped} left out)")
    return RealSource(name, images, texts, caseless, handwritten)


def _jitter_geometry(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move the crop's corners independently, mostly outwards: a looser or slightly tighter cut, a
    slant, a small rotation, some perspective. Inward moves stay small so no letter is cut off; what
    comes in from outside the crop repeats its border."""
    h, w = gray.shape
    outward, inward = 0.25 * h, 0.08 * h
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])  # clockwise from the top-left
    sign = np.float32([[-1, -1], [1, -1], [1, 1], [-1, 1]])  # the outward direction of each corner
    moved = corners + sign * rng.uniform(-inward, outward, (4, 2)).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(moved, corners)
    return cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def vary_hand(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A real handwritten line as another hand might have written it: slanted further one way or the
    other, wider or narrower, with a thicker or thinner pen, its strokes bent a little (elastic
    distortion, the augmentation handwriting recognizers train with)."""
    h, w = gray.shape
    slant, stretch = rng.uniform(-0.3, 0.3), rng.uniform(0.8, 1.2)
    shear = np.float32([[stretch, slant, abs(slant) * h / 2 - slant * h / 2], [0, 1, 0]])
    gray = cv2.warpAffine(gray, shear, (max(1, int(w * stretch + abs(slant) * h)), h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    pen = rng.random()
    if pen < 0.25:  # dark ink on light paper: a grey erosion thickens the strokes
        gray = cv2.erode(gray, np.ones((2, 2), np.uint8))
    elif pen < 0.4:
        gray = cv2.dilate(gray, np.ones((2, 2), np.uint8))
    h, w = gray.shape
    amount = rng.uniform(0.0, 0.04) * h  # up to 2.5 px at the 64 px a line is kept at
    return bend(gray, rng, amount, max(2, w // (2 * h)), cv2.BORDER_REPLICATE)


def augment_real(gray: np.ndarray, rng: np.random.Generator, strength: float = 0.7) -> np.ndarray:
    """A changed copy of a real gray crop: its geometry jittered, then the synthetic engine's
    degradations (light, contrast, blur, lower resolution, noise, JPEG) at a random strength up to
    `strength`, so that the text stays readable to a person."""
    if rng.random() < 0.8:
        gray = _jitter_geometry(gray, rng)
    img = np.repeat(gray[..., None].astype(np.float32), 3, axis=2)  # degrade() works on RGB
    img = degrade(img, rng, rng.uniform(0.0, strength), text_height=0.7 * gray.shape[0])
    return img[..., 0].astype(np.uint8)


class RealMix:
    """Draws real samples across sources, each source weighted by the square root of its size: a large
    set still leads, but a small one is not drowned (nor repeated a hundred times as often)."""

    def __init__(self, sources: list[RealSource], share: float, height: int = 32) -> None:
        """`height`: the model's input height, which the drawn crops are prepared at."""
        if not 0.0 < share <= 1.0:
            raise ValueError(f"the real share must be in (0, 1], not {share}")
        self.sources, self.share, self.height = sources, share, height
        weights = np.array([math.sqrt(len(s)) for s in sources])
        self.weights = weights / weights.sum()

    def draw(self, count: int, rng: np.random.Generator) -> list[Sample]:
        picks = rng.choice(len(self.sources), size=count, p=self.weights)
        out = []
        for k in picks:
            source = self.sources[k]
            i = int(rng.integers(len(source)))
            image = vary_hand(source.images[i], rng) if source.handwritten and rng.random() < 0.8 else source.images[i]
            out.append(Sample(prepare_crop(augment_real(image, rng), self.height), source.texts[i], source.caseless))
        return out

    def mixed(self, chunks: Iterator[list[Sample]], rng: np.random.Generator) -> Iterator[list[Sample]]:
        """Each chunk with `share` of its samples replaced by real ones, so every batch mixes both."""
        for chunk in chunks:
            real = int(round(self.share * len(chunk)))
            yield chunk[real:] + self.draw(real, rng)
