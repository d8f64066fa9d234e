"""Finding the sheet of paper in a phone photo: its four corners, in the photo's pixels.

Two coarse guesses on a small copy with the print closed away: GrabCut seeded with the photo's rim
as desk, and an Otsu split on lightness (pages are bright). A guess counts only if its region fills
a convex quadrilateral and every side in view has different colours on its two sides; of those, the
tightest one that holds all the print wins. Then each side moves onto the strongest edge near it at
a finer scale, and the corners are where the sides meet, so a corner outside the frame is still found.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocrforge.detect.geometry import order_quad

COARSE_SIDE = 320  # the page is found on a copy this big: GrabCut's cost grows with its pixels
FINE_SIDE = 1600  # its sides are placed on a copy this big: ~0.1% of the diagonal a pixel
MIN_PHOTO_SIDE = 32  # pixels; anything smaller is no photo of a page
MIN_AREA = 0.15  # of the photo: a smaller quadrilateral is not taken for a page
MIN_FILL = 0.85  # the region found must fill its quadrilateral this well (IoU): blobs are not pages
MIN_CONTRAST = 12.0  # Lab units between the two sides of every visible edge of the page
PRINT_DEPTH = 0.12  # a pixel this much darker than the paper around it is print
PRINT_KEPT = 0.95  # a guess holding this share of the most print any guess holds counts as holding it all
SIDE_SAMPLES = 48  # points searched for the edge along each side


def find_page(image: np.ndarray) -> np.ndarray | None:
    """The page's corners (4, 2) float32 in `image` pixels, clockwise from top-left; None when the
    photo holds no page-like quadrilateral (too small, not convex, or no clear edge around it)."""
    if min(image.shape[:2]) < MIN_PHOTO_SIDE:
        return None
    fine, fine_scale = _shrink(image, FINE_SIDE)
    small, small_scale = _shrink(fine, COARSE_SIDE)
    smooth = _without_print(small)
    lab = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)
    guesses = [q for q in (_quad_from_mask(_grabcut_mask(smooth)), _quad_from_mask(_bright_mask(lab))) if q is not None]
    guesses = [q for q in guesses if _contrast(lab, q) >= MIN_CONTRAST]
    if not guesses:
        return None
    quad = _tightest_around_print(guesses, _print_mask(small, smooth)) / small_scale
    fine_lab = cv2.cvtColor(cv2.GaussianBlur(fine, (0, 0), 1.5), cv2.COLOR_RGB2LAB).astype(np.float32)
    reach = 0.02 * max(fine.shape[:2])
    for step in (reach, reach / 3):  # a wide search, then a narrow one that ignores what lies further off
        quad = _refine(fine_lab, quad, step)
    return order_quad(quad / fine_scale)


def _shrink(image: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    scale = min(1.0, side / max(image.shape[:2]))
    if scale == 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def _without_print(small: np.ndarray) -> np.ndarray:
    """Closing lifts dark strokes into the paper around them; the median then takes the noise."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
    return cv2.medianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), 5)


def _print_mask(small: np.ndarray, smooth: np.ndarray) -> np.ndarray:
    """Strokes darker than the paper around them, as a share of its lightness: a shadow dims both alike."""
    paper = smooth.max(axis=2).astype(np.float32) + 1
    return (paper - small.max(axis=2)) / paper > PRINT_DEPTH


def _tightest_around_print(quads: list[np.ndarray], ink: np.ndarray) -> np.ndarray:
    """Of the guesses holding (nearly) all the print, the smallest: a guess cut short at a shadow's edge
    loses print, one that spills onto a plain desk gains area and no print."""
    held = []
    for quad in quads:
        inside = np.zeros(ink.shape, np.uint8)
        cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
        held.append(int((ink & (inside > 0)).sum()))
    return min((q for q, n in zip(quads, held) if n >= PRINT_KEPT * max(held)), key=cv2.contourArea)


def _grabcut_mask(smooth: np.ndarray) -> np.ndarray:
    """Foreground/background split learned from colour: the rim starts as probably desk, the rest as
    probably page, so a page running off the frame can still claim the rim."""
    h, w = smooth.shape[:2]
    rim = max(2, int(0.03 * max(h, w)))
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    mask[rim:-rim, rim:-rim] = cv2.GC_PR_FGD
    models = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models with k-means: the same photo must give the same page
    cv2.grabCut(smooth, mask, None, *models, 4, cv2.GC_INIT_WITH_MASK)
    return (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)


def _bright_mask(lab: np.ndarray) -> np.ndarray:
    _, mask = cv2.threshold(lab[..., 0], 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return mask > 0


def _line(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The line through two points, homogeneous."""
    return np.cross([a[0], a[1], 1.0], [b[0], b[1], 1.0])


def _meet(l1: np.ndarray, l2: np.ndarray) -> np.ndarray | None:
    x, y, z = np.cross(l1, l2)
    return None if abs(z) < 1e-9 else np.array([x / z, y / z])


def _corners(lines: list[np.ndarray]) -> np.ndarray | None:
    """Corner i is where side i-1 meets side i."""
    corners = [_meet(lines[i - 1], lines[i]) for i in range(len(lines))]
    return None if any(c is None for c in corners) else np.array(corners, np.float32)


def _quad_from_mask(mask: np.ndarray) -> np.ndarray | None:
    """The quadrilateral of the largest region: the lines of its hull's four longest sides, preferring
    sides that do not run along the photo's border (there the page was cut off by the frame)."""
    # An opening first cuts off thin strands (a shadow's edge on the desk, a cable) that would pull the hull off the page.
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=4)
    if count < 2:
        return None
    region = (labels == 1 + np.argmax(stats[1:, cv2.CC_STAT_AREA])).astype(np.uint8)
    h, w = mask.shape
    if region.sum() < MIN_AREA * h * w:
        return None
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    poly = cv2.approxPolyDP(hull, 0.005 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
    if len(poly) < 4:
        return None
    ends = np.roll(poly, -1, axis=0)
    lengths = np.linalg.norm(ends - poly, axis=1)
    on_border = [_along_border(a, b, w, h) for a, b in zip(poly, ends)]
    # Inner sides first, longest first; border sides only to make up four.
    keep = sorted(sorted(range(len(poly)), key=lambda i: (on_border[i], -lengths[i]))[:4])
    quad = _corners([_line(poly[i], ends[i]) for i in keep])
    if quad is None or not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    filled = np.zeros_like(region)
    cv2.fillConvexPoly(filled, np.round(quad).astype(np.int32), 1)
    iou = (filled & region).sum() / max(1, (filled | region).sum())
    return quad if iou >= MIN_FILL else None


def _along_border(a: np.ndarray, b: np.ndarray, w: int, h: int, tolerance: float = 2.0) -> bool:
    edges = ((0, 0), (0, w - 1), (1, 0), (1, h - 1))  # (axis, coordinate) of the four borders
    return any(abs(a[k] - edge) <= tolerance and abs(b[k] - edge) <= tolerance for k, edge in edges)


def _outward_normals(quad: np.ndarray) -> np.ndarray:
    """Unit normals of sides i -> i+1 pointing away from the quad, whichever way it winds."""
    sides = np.roll(quad, -1, axis=0) - quad
    normals = np.stack([sides[:, 1], -sides[:, 0]], axis=1) / np.maximum(np.linalg.norm(sides, axis=1, keepdims=True), 1e-9)
    centre_to_side = (quad + sides / 2) - quad.mean(axis=0)
    return normals * np.sign((normals * centre_to_side).sum(axis=1, keepdims=True))


def _profiles(lab: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Colours at `points` (..., 2) and whether each point lies inside the image."""
    h, w = lab.shape[:2]
    x, y = points[..., 0].astype(np.float32), points[..., 1].astype(np.float32)
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    return cv2.remap(lab, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), inside


def _contrast(lab: np.ndarray, quad: np.ndarray) -> float:
    """The weakest side's colour difference across it (median along the side); sides out of view are skipped."""
    gap = 0.015 * max(lab.shape[:2])
    worst = np.inf
    for a, b, normal in zip(quad, np.roll(quad, -1, axis=0), _outward_normals(quad)):
        along = a + np.linspace(0.1, 0.9, 24)[:, None] * (b - a)
        colours, inside = _profiles(lab, np.stack([along - gap * normal, along + gap * normal], axis=1))
        seen = inside.all(axis=1)
        if seen.sum() >= 5:
            diff = np.linalg.norm(colours[seen, 0].astype(np.float32) - colours[seen, 1].astype(np.float32), axis=1)
            worst = min(worst, float(np.median(diff)))
    return worst if np.isfinite(worst) else 0.0


def _refine(lab: np.ndarray, quad: np.ndarray, reach: float) -> np.ndarray:
    """Each side moved onto the strongest colour edge within `reach` pixels across it (a robust line
    fit through those edge points); a side with too little of it in view keeps its place."""
    lines = []
    offsets = np.arange(-np.ceil(reach), np.ceil(reach) + 1, dtype=np.float32)
    for a, b, normal in zip(quad, np.roll(quad, -1, axis=0), _outward_normals(quad)):
        along = a + np.linspace(0.05, 0.95, SIDE_SAMPLES)[:, None] * (b - a)
        points = along[:, None, :] + offsets[None, :, None] * normal  # (samples, offsets, 2)
        colours, inside = _profiles(lab, points)
        seen = inside.all(axis=1)
        if seen.sum() < SIDE_SAMPLES // 4:
            lines.append(_line(a, b))
            continue
        step = np.linalg.norm(np.diff(colours[seen], axis=1), axis=2)  # colour change between neighbours
        best = step.argmax(axis=1)
        edges = along[seen] + ((offsets[best] + offsets[best + 1]) / 2)[:, None] * normal
        vx, vy, x0, y0 = cv2.fitLine(edges.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append(_line(np.array([x0, y0]), np.array([x0 + vx, y0 + vy])))
    corners = _corners(lines)
    return quad if corners is None else corners
