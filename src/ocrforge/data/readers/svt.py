"""Street View Text: train.xml / test.xml (tagset/image: imageName, lex, taggedRectangles) beside the img/
folder, read as word crops (recognition) or as each image with its word boxes (detection)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from ocrforge.data.readers.boxes import BoxedImage
from ocrforge.data.readers.crops import crop_box
from ocrforge.data.readers.sample import Sample, skip
from ocrforge.detect.geometry import rectangle
from ocrforge.io.images import ImageError, load_image


def _rectangles(image_node: ET.Element, image_path: Path) -> Iterator[tuple[str, tuple[float, float, float, float], str]]:
    """(source, (x, y, w, h), tag) for each well-formed taggedRectangle of one image."""
    for k, word in enumerate(image_node.findall("taggedRectangles/taggedRectangle")):
        source = f"{image_path}#{k}"
        try:
            x, y, w, h = (float(word.attrib[a]) for a in ("x", "y", "width", "height"))
        except (KeyError, ValueError):
            skip(source, "taggedRectangle without numeric x, y, width, height")
            continue
        yield source, (x, y, w, h), (word.findtext("tag") or "").strip()


def read_svt(path: Path) -> Iterator[Sample]:
    """Word crops cut from each image, clamped to it; the image's lexicon goes with each of its words."""
    for image_node in ET.parse(path).getroot().iter("image"):
        name = (image_node.findtext("imageName") or "").strip()
        lexicon = tuple(w.strip() for w in (image_node.findtext("lex") or "").split(",") if w.strip())
        image_path = path.parent / name
        try:
            image = load_image(image_path)
        except ImageError as err:
            skip(f"{path}#{name}", str(err))
            continue
        for source, (x, y, w, h), tag in _rectangles(image_node, image_path):
            crop = crop_box(image, x, y, x + w, y + h)
            if crop is None:
                skip(source, f"box x={x:g} y={y:g} w={w:g} h={h:g} lies outside the {image.shape[1]}x{image.shape[0]} image")
                continue
            yield Sample(crop, tag, source, lexicon=lexicon)


def read_svt_boxes(path: Path) -> Iterator[BoxedImage]:
    """Each image with its word rectangles as quads. SVT labels only the words of its lexicon, so other
    text in a photo is unlabelled and detections of it count as false positives."""
    for image_node in ET.parse(path).getroot().iter("image"):
        image_path = path.parent / (image_node.findtext("imageName") or "").strip()
        words = list(_rectangles(image_node, image_path))
        yield BoxedImage(image_path, [rectangle(x, y, x + w, y + h) for _, (x, y, w, h), _ in words], [t for *_, t in words])
