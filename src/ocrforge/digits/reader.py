"""Reading one handwritten digit per image with an exported recurrent attention model (no torch)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ocrforge.runtime.onnx import DIGIT_MODELS, cpu_session, shipped_model

MNIST_BOX, MNIST_SIDE = 20, 28  # MNIST's digits fill a 20x20 box, centred by mass in 28x28


@dataclass(frozen=True)
class DigitReading:
    digits: str  # the one digit read
    confidence: float
    glimpses: np.ndarray  # (G, 2) glimpse centres in the model's input pixels (x, y), in order
    model_input: np.ndarray  # the (S, S) white-on-black image the model saw


def mnist_form(image: np.ndarray, side: int = MNIST_SIDE) -> np.ndarray:
    """Any photo or scan of one digit -> MNIST's form: white on black, the ink's box scaled to fit 20x20,
    centred by its centre of mass in a side x side canvas (28 for MNIST, 60 for the translated model)."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    gray = gray.astype(np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > gray.mean():  # dark ink on light paper: MNIST is the other way round
        gray, border = 255.0 - gray, 255.0 - border
    ink = np.clip(gray - np.median(border), 0, None)
    if ink.max() <= 0:
        return np.zeros((side, side), np.uint8)
    ink = ink * (255.0 / ink.max())
    ys, xs = np.nonzero(ink > 40)
    if len(xs) == 0:
        ys, xs = np.nonzero(ink > 0)
    crop = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    scale = MNIST_BOX / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    small = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    total = small.sum()
    cy, cx = ((np.indices(small.shape) * small).reshape(2, -1).sum(1) / total) if total > 0 else (h / 2, w / 2)
    canvas = np.zeros((side, side), np.float32)
    top, left = int(round(side / 2 - cy)), int(round(side / 2 - cx))
    top, left = min(max(top, 0), side - h), min(max(left, 0), side - w)
    canvas[top : top + h, left : left + w] = small
    return np.clip(canvas, 0, 255).astype(np.uint8)


class DigitReader:
    """A RAM digit model: classifies MNIST-form images and reports where it looked."""

    def __init__(self, model_path: Path | str | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else shipped_model(DIGIT_MODELS["ram"])
        self.session = cpu_session(self.model_path, threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        if meta.get("task") != "digits" or meta.get("arch") != "ram":
            raise ValueError(f"{self.model_path}: not an ocrforge single-digit (RAM) model")
        self.image_size = int(meta["height"])
        self.patch, self.scales = int(meta["patch"]), int(meta["scales"])

    def classify(self, images: np.ndarray, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """(N, S, S) uint8 model inputs -> (N, classes) probabilities and (N, G, 2) locations in [-1, 1]."""
        if images.ndim != 3 or images.shape[1:] != (self.image_size, self.image_size):
            raise ValueError(f"expected (N, {self.image_size}, {self.image_size}) images, got {images.shape}")
        probs, locations = [], []
        for i in range(0, len(images), batch_size):
            x = images[i : i + batch_size, None].astype(np.float32)
            p, loc = self.session.run(None, {"images": x})
            probs.append(p)
            locations.append(loc)
        return np.concatenate(probs), np.concatenate(locations)

    def read(self, images: list[np.ndarray]) -> list[DigitReading]:
        """Photos or scans of single digits, any size -> one reading each."""
        if not images:
            return []
        inputs = np.stack([mnist_form(image, self.image_size) for image in images])
        probs, locations = self.classify(inputs)
        pixels = (locations + 1.0) * self.image_size / 2.0  # [-1, 1] -> pixel centres (align_corners=False)
        return [DigitReading(str(int(p.argmax())), float(p.max()), where, x) for p, where, x in zip(probs, pixels, inputs)]
