"""Reading house numbers with an exported deep recurrent attention model (no torch)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ocrforge.runtime.recognizer import cpu_session, shipped_model

HOUSE_MODEL = "house.onnx"
END = 10  # the model's class for "the number has ended"
DIGIT_MARGIN = 0.3  # a real number is cut out with this share of its digits' joint box around it


def house_input(image: np.ndarray, height: int = 64, width: int = 128) -> np.ndarray:
    """Any photo of a house number -> the (height, width) uint8 grayscale the model reads: scaled to fit
    (aspect kept), the rest filled by repeating the border, then a 1-99 percentile contrast stretch."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    scale = min(height / gray.shape[0], width / gray.shape[1])
    h, w = max(1, round(gray.shape[0] * scale)), max(1, round(gray.shape[1] * scale))
    small = cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    top, left = (height - h) // 2, (width - w) // 2
    framed = cv2.copyMakeBorder(small, top, height - h - top, left, width - w - left, cv2.BORDER_REPLICATE)
    low, high = np.percentile(framed, (1, 99))
    stretched = (framed.astype(np.float32) - low) * (255.0 / max(high - low, 1.0))
    return np.clip(stretched, 0, 255).astype(np.uint8)


def cut_around_digits(image: np.ndarray, boxes: np.ndarray, height: int = 64, width: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """A photo and its digits' (x, y, w, h) boxes -> the (height, width) grayscale cut around them (their
    joint box grown by DIGIT_MARGIN, widened to the model's aspect, the border repeated where it runs off
    the photo), and the boxes in the cut's pixels. How SVHN's full numbers are read (Goodfellow et al. 2014)."""
    b = np.asarray(boxes, np.float32).reshape(-1, 4)
    x0, y0 = b[:, 0].min(), b[:, 1].min()
    x1, y1 = (b[:, 0] + b[:, 2]).max(), (b[:, 1] + b[:, 3]).max()
    side = max((y1 - y0) * (1 + DIGIT_MARGIN), (x1 - x0) * (1 + DIGIT_MARGIN) * height / width, 1.0)
    scale = height / side
    matrix = np.array([[scale, 0, width / 2 - (x0 + x1) / 2 * scale], [0, scale, height / 2 - (y0 + y1) / 2 * scale]], np.float32)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    cut = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    moved = np.concatenate([b[:, :2] * scale + matrix[:, 2], b[:, 2:] * scale], axis=1)
    return cut, moved


@dataclass(frozen=True)
class HouseReading:
    digits: str
    confidence: float  # product of the emitted steps' probabilities, the end included
    glimpses: np.ndarray  # (G, 2) glimpse centres (x, y) in model-input pixels, in order
    model_input: np.ndarray


def decode_steps(probs: np.ndarray) -> tuple[str, float]:
    """(steps, 11) class probabilities -> the digits before the first END, and their joint confidence."""
    digits, confidence = [], 1.0
    for step in probs:
        best = int(step.argmax())
        confidence *= float(step[best])
        if best == END:
            break
        digits.append(str(best))
    return "".join(digits), confidence


class HouseNumberReader:
    def __init__(self, model_path: Path | str | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else shipped_model(HOUSE_MODEL)
        self.session = cpu_session(self.model_path, threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        if meta.get("task") != "digits" or meta.get("arch") != "dram":
            raise ValueError(f"{self.model_path}: not an ocrforge house-number model")
        self.height, self.width = int(meta["height"]), int(meta["width"])
        self.patch, self.scales = int(meta["patch"]), int(meta["scales"])

    def classify(self, inputs: np.ndarray, batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """(N, H, W) uint8 model inputs -> (N, steps, 11) probabilities and (N, G, 2) locations in [-1, 1]."""
        probs, locations = [], []
        for i in range(0, len(inputs), batch_size):
            p, loc = self.session.run(None, {"images": inputs[i : i + batch_size, None].astype(np.float32)})
            probs.append(p)
            locations.append(loc)
        return np.concatenate(probs), np.concatenate(locations)

    def read(self, images: list[np.ndarray]) -> list[HouseReading]:
        if not images:
            return []
        inputs = np.stack([house_input(image, self.height, self.width) for image in images])
        probs, locations = self.classify(inputs)
        scale = np.array([self.width, self.height]) / 2.0
        readings = []
        for p, loc, x in zip(probs, locations, inputs):
            digits, confidence = decode_steps(p)
            readings.append(HouseReading(digits, confidence, (loc + 1.0) * scale, x))
        return readings
