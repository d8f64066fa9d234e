"""Reading house numbers with an exported deep recurrent attention model (no torch)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.preprocess import house_input
from ocrforge.runtime.onnx import DIGIT_MODELS, cpu_session, shipped_model
from ocrforge.text.digits import decode_steps


@dataclass(frozen=True)
class HouseReading:
    digits: str
    confidence: float  # product of the emitted steps' probabilities, the end included
    glimpses: np.ndarray  # (G, 2) glimpse centres (x, y) in model-input pixels, in order
    model_input: np.ndarray


class HouseNumberReader:
    def __init__(self, model_path: Path | str | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else shipped_model(DIGIT_MODELS["house"])
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
