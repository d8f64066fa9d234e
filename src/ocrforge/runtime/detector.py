"""Text detection with an exported ONNX detector: image in, word quadrilaterals in its pixels out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.detect.boxes import BoxParams, boxes_from_prob
from ocrforge.detect.inputs import resize_for_detection, to_original
from ocrforge.detect.stacked import split_stacked_lines
from ocrforge.runtime.recognizer import cpu_session, shipped_model

DEFAULT_DETECTOR = "dbnet.onnx"
DEFAULT_MAX_SIDE = 1280  # longer side the detector works at; bigger images are scaled down, boxes scaled back
# Training crops showed words 7-70 px high (median ~22): words under SMALL_TEXT_PX at the working size
# are detected again with the image scaled to put them near TARGET_TEXT_PX, within MAX_PIXELS.
SMALL_TEXT_PX = 14
TARGET_TEXT_PX = 22
MAX_PIXELS = 6_000_000


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
        """Word boxes in `image` pixels. Text that comes out smaller than the detector learned from at
        `max_side` (fine print on a big scan) is looked at again at a larger scale, up to MAX_PIXELS;
        a box that took in two stacked lines is cut into one per line."""
        quads, scores, scale = self._boxes(image, max_side, params)
        h, w = image.shape[:2]
        if quads and max(h, w) > max_side:  # scaled down: small print may have become too small to see well
            heights = [min(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[3] - q[0])) for q in quads]
            typical = float(np.median(heights)) * self.output_stride  # in detector-input pixels
            if typical < SMALL_TEXT_PX:
                side = max(h, w) * scale[0] * TARGET_TEXT_PX / typical
                larger = int(min(side, max(h, w), max(h, w) * np.sqrt(MAX_PIXELS / (h * w))))
                if larger > max_side:
                    quads, scores, scale = self._boxes(image, larger, params)
        found = [np.clip(q, 0, [w - 1, h - 1]).astype(np.float32) for q in to_original(quads, self.output_stride, scale)]
        return [Detection(quad, scores[k]) for quad, k in split_stacked_lines(image, found)]

    def _boxes(self, image: np.ndarray, max_side: int, params: BoxParams) -> tuple[list[np.ndarray], list[float], tuple[float, float]]:
        prob, scale = self.probability_map(image, max_side)
        quads, scores = boxes_from_prob(prob, params)
        return quads, scores, scale
