"""Quadrilateral geometry shared by training targets, box extraction and cropping."""

from __future__ import annotations

import cv2
import numpy as np
import pyclipper

CLIPPER_SCALE = 16  # pyclipper works in integers: 1/16 pixel units keep boxes a few pixels high intact
CLEAR_ASPECT = 3.0  # length / height from which a box's own shape tells which way its text runs


def rectangle(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """An axis-aligned box as a (4, 2) quad, clockwise from the top-left."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def order_quad(points: np.ndarray) -> np.ndarray:
    """Four corners ordered clockwise from the top-left one (image y axis points down)."""
    points = np.asarray(points, np.float32).reshape(4, 2)
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    points = points[np.argsort(angles)]  # clockwise on screen, starting anywhere
    # Top-left: the corner nearest the image origin (smallest x + y).
    start = min(range(4), key=lambda i: (points[i].sum(), points[i][0]))
    return np.roll(points, -start, axis=0)


def offset_polygon(polygon: np.ndarray, distance: float) -> np.ndarray | None:
    """`polygon` grown (distance > 0) or shrunk (< 0) by `distance` pixels; None when it vanishes."""
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(np.round(polygon * CLIPPER_SCALE).astype(np.int64).tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    result = offset.Execute(distance * CLIPPER_SCALE)
    if not result:
        return None
    return np.array(max(result, key=len), dtype=np.float32) / CLIPPER_SCALE


def shrink_distance(polygon: np.ndarray, ratio: float) -> float:
    area = abs(cv2.contourArea(polygon.astype(np.float32)))
    perimeter = cv2.arcLength(polygon.astype(np.float32), True)
    return area * (1 - ratio**2) / max(perimeter, 1e-6)




def reading_quad(quad: np.ndarray) -> np.ndarray:
    """The same four corners, starting so that side 0-1 is the text's top edge, read left to right.

    A rectangle from the detector knows no reading direction: take the longer side as the baseline
    direction (words are wider than high) and let it run rightwards, as text up to ±90° does.
    """
    quad = order_quad(quad)
    if np.linalg.norm(quad[1] - quad[0]) < 0.8 * np.linalg.norm(quad[2] - quad[1]):
        quad = np.roll(quad, -1, axis=0)  # upright box of a word turned past 45°: start one corner later
    if quad[1][0] - quad[0][0] < 0:
        quad = np.roll(quad, 2, axis=0)  # top edge ran right to left: the text is upside down from here
    return quad


def orient_quads(quads: list[np.ndarray]) -> list[np.ndarray]:
    """One image's boxes, each in reading order (see reading_quad), short words turned as the long ones.

    A box of one or two letters ("a", "I", "is") is about as high as it is wide, or higher: alone it
    cannot tell upright text from text turned a quarter. Boxes clearly longer than high can, and the
    short ones take the direction those run in (length-weighted); with none, each box decides alone.
    """
    quads = [reading_quad(q) for q in quads]
    tops = np.array([q[1] - q[0] for q in quads]).reshape(-1, 2)
    lengths = np.linalg.norm(tops, axis=1)
    heights = np.array([np.linalg.norm(q[3] - q[0]) for q in quads])
    clear = lengths >= CLEAR_ASPECT * heights
    if not clear.any():
        return quads
    reference = tops[clear][np.argmax(lengths[clear])]
    # Text turned near 90° may point either way along its axis: votes are aligned before they add up.
    dominant = (tops[clear] * np.where(tops[clear] @ reference < 0, -1.0, 1.0)[:, None]).sum(axis=0)
    oriented = []
    for quad, is_clear in zip(quads, clear):
        if not is_clear:
            turns = [np.roll(quad, -k, axis=0) for k in range(4)]
            cosines = [float((t[1] - t[0]) @ dominant) / max(float(np.linalg.norm(t[1] - t[0])), 1e-6) for t in turns]
            quad = turns[int(np.argmax(cosines))]
        oriented.append(quad)
    return oriented


def upright_transform(quad: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The perspective matrix that takes the quadrilateral (in reading order, see reading_quad) to an
    upright width x height rectangle, its top edge read left to right, with that width and height."""
    quad = np.asarray(quad, np.float32).reshape(4, 2)
    width = max(1, int(round((np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2)))
    height = max(1, int(round((np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2)))
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    return cv2.getPerspectiveTransform(quad.astype(np.float32), target), width, height


def crop_quad(image: np.ndarray, quad: np.ndarray, min_height: int = 1) -> np.ndarray:
    """The quadrilateral (in reading order) warped to an upright rectangle, its top edge read left to
    right, and enlarged in the same warp to at least `min_height` pixels high: a small word resampled
    once straight from the image is sharper than one warped at its own size and then scaled up."""
    matrix, width, height = upright_transform(quad)
    zoom = max(1.0, min_height / height)
    if zoom > 1.0:
        matrix = np.diag([zoom, zoom, 1.0]) @ matrix
        width, height = max(1, int(round(width * zoom))), max(1, int(round(height * zoom)))
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# The recognizer learned from crops with some background around the ink, and a detector box cut
# tight clips descenders: each word is read with this much margin (in box heights) on every side.
CROP_MARGIN = 0.15


def expand_quad(quad: np.ndarray, margin: float) -> np.ndarray:
    """`quad` (in reading order, see reading_quad) grown on every side by `margin` times its height."""
    quad = np.asarray(quad, np.float32)
    along = quad[1] - quad[0]
    down = quad[3] - quad[0]
    height = (np.linalg.norm(down) + np.linalg.norm(quad[2] - quad[1])) / 2
    along = along / max(float(np.linalg.norm(along)), 1e-6) * margin * height
    down = down / max(float(np.linalg.norm(down)), 1e-6) * margin * height
    return quad + np.stack([-along - down, along - down, along + down, -along + down])
