"""Text detection with an exported ONNX detector: image in, word quadrilaterals in its pixels out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.detect.boxes import BoxParams, boxes_from_prob
from ocrforge.detect.inputs import resize_for_detection, scale_for_detection, to_original
from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.detect.stacked import split_stacked_lines
from ocrforge.runtime.onnx import DETECTOR, cpu_session, shipped_model

# Training crops showed words 7-70 px high (median ~22): words under SMALL_TEXT_PX at the working size
# are detected again with the image scaled to put them near TARGET_TEXT_PX, within MAX_PIXELS. That
# scale may enlarge the image itself (fine print in a small photo, a street photo's distant signs); it
# costs the square of the factor in time. A photo of few words (under DENSE_WORDS) is looked at larger
# still: on real validation photos that found the words the first look missed (born-digital images
# H-mean 79% -> 85%, scene photos at half size 79% -> 90%), where a page's many lines, enlarged as much,
# were read in a worse order. Callers that look closer their own way (the plate reader) keep a photo of
# few words at most at its own size.
SMALL_TEXT_PX = 14
TARGET_TEXT_PX = 22
SPARSE_SMALL_TEXT_PX = 16
SPARSE_TARGET_TEXT_PX = 26
DENSE_WORDS = 30
MAX_PIXELS = 6_000_000
# Text taller than training's 7-70 px (a plate or sign filling the photo) is cut short or missed:
# it is looked at again scaled down to put it near LARGE_TARGET_PX, and an image with no text found
# at all is looked at once more at half size, down to MIN_LOOK_SIDE on its shorter side.
LARGE_TEXT_PX = 80
LARGE_TARGET_PX = 32
MIN_LOOK_SIDE = 64


@dataclass(frozen=True)
class Detection:
    quad: np.ndarray  # (4, 2) float32, original image pixels, clockwise from top-left
    score: float  # mean text probability inside the box


class Detector:
    """Finds words. Stateless per call (options are arguments), so one instance can serve many threads."""

    def __init__(self, model_path: Path | str | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else shipped_model(DETECTOR)
        self.session = cpu_session(self.model_path, threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        if meta.get("task") != "detector":
            raise ValueError(f"{self.model_path}: not an ocrforge detector (metadata task={meta.get('task')!r})")
        self.output_stride = int(meta["output_stride"])

    def probability_map(self, image: np.ndarray, max_side: int = DEFAULT_MAX_SIDE) -> tuple[np.ndarray, tuple[float, float]]:
        """The text probability map of an RGB uint8 image, and the scale the image was resized by."""
        resized, scale = resize_for_detection(image, max_side)
        return self._prob(resized), scale

    def detect(self, image: np.ndarray, max_side: int = DEFAULT_MAX_SIDE, params: BoxParams = BoxParams(),
               min_side: int = 0, enlarge_sparse: bool = True) -> list[Detection]:
        """Word boxes in `image` pixels. Text that comes out smaller than the detector learned from
        (fine print on a big scan, or dense print in a small photo) is looked at again at a larger
        scale, up to MAX_PIXELS; text much larger (a plate filling the crop), or none found, is looked
        at again smaller; a box that took in two stacked lines is cut into one per line.
        An image smaller than `min_side` both ways is looked at in the middle of a `min_side` square
        of its mean colour, as training laid small images out on a crop. `enlarge_sparse=False` keeps
        an image of few words at most at its own size."""
        h, w = image.shape[:2]
        if max(h, w) < min_side:
            canvas, (ox, oy) = _on_canvas(image, min_side)
            return [Detection(np.clip(d.quad - [ox, oy], 0, [w - 1, h - 1]).astype(np.float32), d.score)
                    for d in self.detect(canvas, max_side, params, enlarge_sparse=enlarge_sparse)]
        resized, scale = resize_for_detection(image, max_side)
        quads, scores = boxes_from_prob(self._prob(resized), params)
        better = self._better_scale(quads, scale[0], h, w, enlarge_sparse)
        if better is not None:
            second, second_scale = scale_for_detection(image, better)
            second_quads, second_scores = boxes_from_prob(self._prob(second), params)
            if second_quads or better > scale[0]:  # a smaller look that finds nothing leaves the first standing
                scale, quads, scores = second_scale, second_quads, second_scores
        found = [np.clip(q, 0, [w - 1, h - 1]).astype(np.float32) for q in to_original(quads, self.output_stride, scale)]
        return [Detection(quad, scores[k]) for quad, k in split_stacked_lines(image, found)]

    def _better_scale(self, quads: list[np.ndarray], scale: float, h: int, w: int, enlarge_sparse: bool) -> float | None:
        """The scale of a second look when the first found text smaller or larger than the detector
        learned from, or none at all; None when the first look stands."""
        if not quads:
            smaller = scale / 2
            return smaller if min(h, w) * smaller >= MIN_LOOK_SIDE else None
        heights = [min(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[3] - q[0])) for q in quads]
        typical = float(np.median(heights)) * self.output_stride  # in detector-input pixels
        if typical > LARGE_TEXT_PX:
            return scale * LARGE_TARGET_PX / typical
        if len(quads) >= DENSE_WORDS:
            small, target, ceiling = SMALL_TEXT_PX, TARGET_TEXT_PX, float("inf")
        elif enlarge_sparse:
            small, target, ceiling = SPARSE_SMALL_TEXT_PX, SPARSE_TARGET_TEXT_PX, float("inf")
        else:  # at most the image's own size
            small, target, ceiling = SMALL_TEXT_PX, TARGET_TEXT_PX, 1.0
        if typical < small:
            larger = min(scale * target / typical, float(np.sqrt(MAX_PIXELS / (h * w))), ceiling)
            if larger > 1.1 * scale:  # a look that is hardly larger would find the same boxes
                return larger
        return None

    def _prob(self, resized: np.ndarray) -> np.ndarray:
        batch = np.ascontiguousarray(resized.transpose(2, 0, 1)[None], dtype=np.float32)
        return self.session.run(["prob"], {"images": batch})[0][0, 0]


def _on_canvas(image: np.ndarray, side: int) -> tuple[np.ndarray, tuple[int, int]]:
    """`image` centred on a side x side square of its mean colour, and its (x, y) offset there."""
    h, w = image.shape[:2]
    canvas = np.empty((side, side, 3), np.uint8)
    canvas[:] = image.reshape(-1, 3).mean(axis=0).astype(np.uint8)
    ox, oy = (side - w) // 2, (side - h) // 2
    canvas[oy:oy + h, ox:ox + w] = image
    return canvas, (ox, oy)
