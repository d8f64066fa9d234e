"""Text detection with an exported ONNX detector: image in, word quadrilaterals in its pixels out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.detect.boxes import BoxParams, boxes_from_prob
from ocrforge.detect.inputs import resize_for_detection, to_original
from ocrforge.runtime.recognizer import cpu_session, shipped_model

DEFAULT_DETECTOR = "dbnet.onnx"
DEFAULT_MAX_SIDE = 1280  # longer side the detector works at; bigger images are scaled down, boxes scaled back


@dataclass(frozen=True)
class Detection:
    quad: np.ndarray  # (4, 2) float32, original image pixels, clockwise from top-left
    score: float  # mean text probability inside the box


class Detector:
    """Finds words. Stateless per call (options are arguments), so one instance can serve many threads."""

    def __init__(self, model_path: Path | str | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else shipped_model(DEFAULT_DETECTOR)
        self.session = cpu_session(self.model_path, threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        if meta.get("task") != "detector":
            raise ValueError(f"{self.model_path}: not an ocrforge detector (metadata task={meta.get('task')!r})")
        self.output_stride = int(meta["output_stride"])

    def probability_map(self, image: np.ndarray, max_side: int = DEFAULT_MAX_SIDE) -> tuple[np.ndarray, tuple[float, float]]:
        """The text probability map of an RGB uint8 image, and the scale the image was resized by."""
        resized, scale = resize_for_detection(image, max_side)
        batch = np.ascontiguousarray(resized.transpose(2, 0, 1)[None], dtype=np.float32)
        return self.session.run(["prob"], {"images": batch})[0][0, 0], scale

    def detect(self, image: np.ndarray, max_side: int = DEFAULT_MAX_SIDE, params: BoxParams = BoxParams()) -> list[Detection]:
        prob, scale = self.probability_map(image, max_side)
        quads, scores = boxes_from_prob(prob, params)
        h, w = image.shape[:2]
        return [Detection(np.clip(q, 0, [w - 1, h - 1]).astype(np.float32), s)
                for q, s in zip(to_original(quads, self.output_stride, scale), scores)]
