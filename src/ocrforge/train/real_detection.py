"""Real photos and scans mixed into detector training: what real clutter, cameras and print look like,
which no procedural background teaches. A few hundred images go a long way only if every crop of them
differs, so each drawn crop is turned, recoloured and degraded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ocrforge.data.readers.boxes import BoxedImage, read_boxes, read_line_boxes
from ocrforge.data.synth.degrade import degrade
from ocrforge.data.synth.scenes import TextImage
from ocrforge.train.detection_crops import words_in_window


@dataclass
class RealScenes:
    name: str  # the folder's name, as validation reports it
    items: list[BoxedImage]

    def __len__(self) -> int:
        return len(self.items)


def load_real_scenes(folder: Path, lines: bool = False) -> RealScenes:
    """The detection records under `folder` whose every word is boxed: an image that boxes only some
    (Street View's `partial_labels`) would teach its other words as background, so it is left out.
    With `lines`, each record's text lines are the boxes, all records kept: on a handwritten page what is
    not transcribed (stamps, printed forms, later notes) is what a line detector should leave alone."""
    if lines:
        return RealScenes(folder.name, list(read_line_boxes(folder)))
    items = [item for item in read_boxes(folder) if not item.partial_labels]
    if not items:
        raise ValueError(f"{folder}: no image with all its words boxed (partial labels would teach words as background)")
    return RealScenes(folder.name, items)


def read_scene(item: BoxedImage) -> TextImage:
    """The image (RGB) of a detection record, with its words and don't-care regions."""
    image = cv2.imread(str(item.image_path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{item.image_path}: cannot read this image")
    return TextImage(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), item.quads, item.texts, ignore=item.ignore)


def source_weights(sources: list[RealScenes]) -> np.ndarray:
    """How often each source is drawn: by the square root of its size, so a big set leads without
    drowning the small ones."""
    sizes = np.sqrt([len(source) for source in sources])
    return sizes / sizes.sum()


def augment_crop(crop: np.ndarray, quads: list[np.ndarray], ignore: list[bool],
                 rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray], list[bool]]:
    """A training crop of a real image turned a little, recoloured and degraded (light, blur, low
    resolution, noise, JPEG); boxes the turn pushes partly out of the crop become don't-care."""
    size = crop.shape[0]
    if rng.random() < 0.5:
        angle = float(np.clip(rng.normal(0, 6), -20, 20))
        turn = cv2.getRotationMatrix2D((size / 2, size / 2), angle, 1.0)
        fill = tuple(float(v) for v in crop[::8, ::8].reshape(-1, 3).mean(axis=0))
        crop = cv2.warpAffine(crop, turn, (size, size), flags=cv2.INTER_LINEAR, borderValue=fill)
        turned = [cv2.transform(q[None], turn)[0] for q in quads]
        quads, ignore = words_in_window([q for q, i in zip(turned, ignore) if not i],
                                        [q for q, i in zip(turned, ignore) if i], size)
    image = crop.astype(np.float32)
    if rng.random() < 0.2:
        image[:] = image.mean(axis=2, keepdims=True)
    image = (image - 128) * rng.uniform(0.6, 1.3) + 128 + rng.uniform(-30, 30) + rng.normal(0, 8, 3)
    if rng.random() < 0.6:
        heights = [min(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[0] - q[1])) for q in quads]
        image = degrade(np.clip(image, 0, 255), rng, rng.uniform(0, 0.6), float(np.median(heights)) if heights else size / 10)
    return np.clip(image, 0, 255).astype(np.uint8), quads, ignore
