"""Reading order: words into lines, lines into blocks, blocks in the order a person reads them.

Rotation aware throughout: words and lines are compared along their own direction (the top edge of
their box), and blocks are ordered in the page's frame, turned by the page's dominant line angle.
numpy and OpenCV only.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocrforge.detect.geometry import order_quad
from ocrforge.results import Block, Line, Word

MAX_ANGLE_DIFF = 15.0  # degrees: words or lines turned further apart never share a line or a block
MAX_BASELINE_OFFSET = 0.5  # heights of the shorter word: centres further off the shared line belong to another line
MAX_WORD_GAP = 2.0  # word heights along the line: a wider gap is a column gutter, not a space
GUTTER_MIN_GAP = 0.6  # word heights: a narrower strip of whitespace is a space, however the lines around it look
GUTTER_REACH = 3.5  # word heights above and below a gap within which lines count as nearby
GUTTER_WINDOW = 8.0  # word heights left and right of a gap in which the lines nearby are looked at
GUTTER_ROWS = 2  # lines above and below a gap, each, that are searched for the gutter's columns
GUTTER_MIN_LINES = 2  # of those, lines with words on both sides of a strip for it to be a gutter
MAX_LINE_GAP = 1.5  # line heights of whitespace between two stacked lines of one block
MIN_LINE_OVERLAP = -0.5  # line heights: stacked lines may overlap across this much (ascenders, descenders)
MIN_HEIGHT_RATIO = 0.7  # shorter / taller line of one block: a heading's larger type starts its own block
FRAGMENT_INSIDE = 0.8  # share of a block's rectangle inside a bigger block's for it to be read as part of that block
MIN_COLUMN_GAP = 0.5  # median line heights: narrower vertical whitespace is skew residue, not a gutter


def arrange(words: list[Word]) -> list[Block]:
    """Words grouped into lines and blocks, blocks in reading order (multi-column and rotation aware).

    Lines run top to bottom inside a block and words along the reading direction inside a line.
    """
    if not words:
        return []
    lines = [_make_line([words[i] for i in group]) for group in _group_words(words)]
    boxes = np.stack([line.box for line in lines])  # (L, 4, 2)
    dirs = np.stack([_direction(box) for box in boxes])
    heights = np.array([_height(box) for box in boxes])
    lengths = np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=1)

    # Order the blocks in the page's frame, where the dominant lines run horizontally.
    frame = _derotate(boxes, _dominant_angle(dirs, lengths))  # (L, 4, 2)
    chains = _absorb_fragments(_chain_lines(boxes, dirs, heights), frame)
    corners = [frame[chain].reshape(-1, 2) for chain in chains]
    rects = np.array([[*c.min(axis=0), *c.max(axis=0)] for c in corners])  # (B, 4): x0, y0, x1, y1
    order = _xy_cut(rects, list(range(len(chains))), MIN_COLUMN_GAP * float(np.median(heights)))

    blocks = []
    for k in order:
        chain = chains[k]
        direction = (dirs[chain] * lengths[chain, None]).sum(axis=0)
        blocks.append(Block([lines[i] for i in chain], _enclosing_box(boxes[chain].reshape(-1, 2), direction)))
    return blocks


def _direction(quad: np.ndarray) -> np.ndarray:
    """Unit vector of the box's top edge (point 0 to point 1): the reading direction."""
    for edge in (quad[1] - quad[0], quad[2] - quad[3]):
        norm = float(np.linalg.norm(edge))
        if norm > 1e-6:
            return edge / norm
    return np.array([1.0, 0.0])


def _height(quad: np.ndarray) -> float:
    # At least a pixel, so that degenerate boxes do not zero every threshold they scale.
    return max(float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2, 1.0)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _group_words(words: list[Word]) -> list[list[int]]:
    """Word indices of each line: connected components of the "same line" relation between pairs.

    Two words are on one line when their directions agree, their centres lie near one baseline and
    the gap between them along their shared direction is small; all measured in that direction.
    The baseline offset is measured in the shorter word's height: a drop cap or a box that spans two
    lines sits between both lines' centres and, measured by its own height, would join them into one.
    """
    quads = np.stack([np.asarray(w.box, np.float64).reshape(4, 2) for w in words])  # (N, 4, 2)
    dirs = np.stack([_direction(q) for q in quads])
    heights = np.array([_height(q) for q in quads])
    centres = quads.mean(axis=1)
    min_cos = np.cos(np.deg2rad(MAX_ANGLE_DIFF))
    parent = list(range(len(words)))
    for i in range(len(words) - 1):
        j = np.arange(i + 1, len(words))
        cos = dirs[j] @ dirs[i]
        axis = dirs[j] + dirs[i]  # the pair's mean direction; non-zero wherever cos passes
        axis /= np.maximum(np.linalg.norm(axis, axis=1, keepdims=True), 1e-9)
        normal = np.stack([-axis[:, 1], axis[:, 0]], axis=1)
        height = (heights[i] + heights[j]) / 2
        offset = np.abs(((centres[j] - centres[i]) * normal).sum(axis=1))
        shorter = np.minimum(heights[i], heights[j])
        along_i = axis @ quads[i].T  # (M, 4): word i's corners along each pair's axis
        along_j = np.einsum("mkd,md->mk", quads[j], axis)
        gap = np.maximum(along_j.min(axis=1) - along_i.max(axis=1), along_i.min(axis=1) - along_j.max(axis=1))
        joined = (cos >= min_cos) & (offset < MAX_BASELINE_OFFSET * shorter) & (gap < MAX_WORD_GAP * height)
        for m in np.flatnonzero(joined):
            if gap[m] > GUTTER_MIN_GAP * height[m] and _is_gutter(quads, i, int(j[m]), axis[m], height[m]):
                continue
            parent[_find(parent, int(j[m]))] = _find(parent, i)
    groups: dict[int, list[int]] = {}
    for i in range(len(words)):
        groups.setdefault(_find(parent, i), []).append(i)
    return list(groups.values())


def _is_gutter(quads: np.ndarray, a: int, b: int, axis: np.ndarray, height: float) -> bool:
    """Whether the gap between words a and b on one line is whitespace between two columns.

    Narrow gutters are no wider than a generous space; what tells them apart is the lines around: a
    gutter runs on as a strip of the gap that no word of the nearest lines above and below crosses,
    with words of at least two of those lines on both sides of it. A wide space in one line has
    words of the neighbouring lines running through it, or at most a river a few pixels wide.
    """
    normal = np.array([-axis[1], axis[0]])
    along, across = quads @ axis, quads @ normal  # (N, 4) each
    lo, hi = sorted((along[a].max(), along[b].min()) if along[a].mean() < along[b].mean() else (along[b].max(), along[a].min()))
    centre = (across[a].mean() + across[b].mean()) / 2
    # Words of the lines nearby, not of this one, on either side of the gap; boxes taller than two lines
    # (a picture, a drop cap) are no line's.
    offset = across.mean(axis=1) - centre
    start, end = along.min(axis=1), along.max(axis=1)
    near = np.flatnonzero((np.abs(offset) > MAX_BASELINE_OFFSET * height) & (np.abs(offset) < GUTTER_REACH * height)
                          & (np.ptp(across, axis=1) < 2 * height)
                          & (end > lo - GUTTER_WINDOW * height) & (start < hi + GUTTER_WINDOW * height))
    rows = _rows_by_offset(near, offset, height)
    # The nearest lines on each side: further on, a caption or a heading may straddle the gutter.
    rows = ([row for row in rows if offset[row[0]] < 0][-GUTTER_ROWS:]
            + [row for row in rows if offset[row[0]] > 0][:GUTTER_ROWS])
    free_lo, free_hi = _widest_free_strip(lo, hi, [(start[k], end[k]) for row in rows for k in row])
    if free_hi - free_lo < GUTTER_MIN_GAP * height:
        return False
    both_sides = [np.any(end[row] <= free_lo) and np.any(start[row] >= free_hi) for row in rows]
    return sum(both_sides) >= GUTTER_MIN_LINES


def _rows_by_offset(words: np.ndarray, offset: np.ndarray, height: float) -> list[np.ndarray]:
    """`words` grouped into lines by their offset across the line, top to bottom: a new line starts
    where the offsets jump by more than half a word height."""
    words = words[np.argsort(offset[words], kind="stable")]
    breaks = np.flatnonzero(np.diff(offset[words]) > MAX_BASELINE_OFFSET * height) + 1
    return [row for row in np.split(words, breaks) if len(row)]


def _widest_free_strip(lo: float, hi: float, spans: list[tuple[float, float]]) -> tuple[float, float]:
    """The widest part of [lo, hi] that none of the (start, end) spans covers."""
    best, cursor = (lo, lo), lo
    for start, end in sorted(spans):
        if end <= cursor or start >= hi:
            continue
        if min(start, hi) - cursor > best[1] - best[0]:
            best = (cursor, min(start, hi))
        cursor = max(cursor, end)
    if hi - cursor > best[1] - best[0]:
        best = (cursor, hi)
    return best


def _make_line(words: list[Word]) -> Line:
    quads = np.stack([np.asarray(w.box, np.float64).reshape(4, 2) for w in words])
    widths = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    direction = (np.stack([_direction(q) for q in quads]) * np.maximum(widths, 1.0)[:, None]).sum(axis=0)
    along = quads.mean(axis=1) @ direction
    order = sorted(range(len(words)), key=lambda i: (along[i], i))
    return Line([words[i] for i in order], _enclosing_box(quads.reshape(-1, 2), direction))


def _enclosing_box(points: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Minimum-area rectangle around `points`, clockwise, its top edge (0 -> 1) along `direction`."""
    quad = order_quad(cv2.boxPoints(cv2.minAreaRect(np.asarray(points, np.float32))))
    edges = np.roll(quad, -1, axis=0) - quad
    cos = (edges @ direction) / np.maximum(np.linalg.norm(edges, axis=1), 1e-9)
    # order_quad already starts at the reading top-left up to ±45°; rolling keeps steeper lines right too.
    return np.roll(quad, -int(np.argmax(cos)), axis=0).astype(np.float32)


def _chain_lines(boxes: np.ndarray, dirs: np.ndarray, heights: np.ndarray) -> list[list[int]]:
    """Line indices of each block, top to bottom: chains of lines that are each other's nearest stacked neighbour.

    Line b is stacked under line a when, in a's frame, b lies below a with little whitespace between,
    overlaps a along the line direction, and has a similar height and direction. Linking only mutual
    nearest neighbours keeps a line spanning two columns from pulling both columns into one block.
    """
    n = len(boxes)
    min_cos = np.cos(np.deg2rad(MAX_ANGLE_DIFF))
    gaps = np.full((n, n), np.inf)  # gaps[a, b]: whitespace from line a down to line b, inf if not stacked
    for a in range(n):
        down = np.array([-dirs[a, 1], dirs[a, 0]])  # image y points down, so this normal points down the page
        along, across = boxes @ dirs[a], boxes @ down  # (L, 4) each
        height = (heights[a] + heights) / 2
        gap = across.min(axis=1) - across[a].max()
        overlap = np.minimum(along.max(axis=1), along[a].max()) - np.maximum(along.min(axis=1), along[a].min())
        stacked = ((dirs @ dirs[a] >= min_cos) & (across.mean(axis=1) > across[a].mean())
                   & (gap < MAX_LINE_GAP * height) & (gap > MIN_LINE_OVERLAP * height) & (overlap > 0)
                   & (np.minimum(heights, heights[a]) >= MIN_HEIGHT_RATIO * np.maximum(heights, heights[a])))
        gaps[a, stacked] = gap[stacked]
    below, above = gaps.argmin(axis=1), gaps.argmin(axis=0)
    linked = {a: int(below[a]) for a in range(n) if np.isfinite(gaps[a, below[a]]) and above[below[a]] == a}
    targets, seen = set(linked.values()), set()
    chains = []
    # Lines with none above start chains; each line is measured in its own frame, so a cycle is not
    # impossible in theory: a line left unseen after the heads sits on one, and breaks it here.
    for a in sorted(range(n), key=lambda a: (a in targets, a)):
        if a in seen:
            continue
        chain = [a]
        seen.add(a)
        while chain[-1] in linked and linked[chain[-1]] not in seen:
            chain.append(linked[chain[-1]])
            seen.add(chain[-1])
        chains.append(chain)
    return chains


def _absorb_fragments(chains: list[list[int]], frame: np.ndarray) -> list[list[int]]:
    """Blocks lying inside another block's extent (page frame) merged into it, lines re-sorted top to bottom.

    A chain breaks where detection is imperfect (a merged or clipped word changes a line's height or
    reach); the stray line then sits inside its paragraph's rectangle, where no XY-cut can separate
    it, and would be read after the whole paragraph instead of in its place.
    """
    rects = [np.array([*frame[c].reshape(-1, 2).min(axis=0), *frame[c].reshape(-1, 2).max(axis=0)]) for c in chains]
    area = [max((r[2] - r[0]) * (r[3] - r[1]), 1e-6) for r in rects]
    host = list(range(len(chains)))
    for k in sorted(range(len(chains)), key=lambda k: area[k]):
        for j in sorted(range(len(chains)), key=lambda j: -area[j]):
            if j == k or area[j] <= area[k] or host[j] != j:
                continue
            overlap = np.maximum(0, np.minimum(rects[k][2:], rects[j][2:]) - np.maximum(rects[k][:2], rects[j][:2]))
            if overlap.prod() >= FRAGMENT_INSIDE * area[k]:
                host[k] = j
                break
    merged: dict[int, list[int]] = {}
    for k, chain in enumerate(chains):
        root = k
        while host[root] != root:
            root = host[root]
        merged.setdefault(root, []).extend(chain)
    centre_y = frame.mean(axis=1)[:, 1]
    return [sorted(chain, key=lambda i: (centre_y[i], i)) for chain in merged.values()]


def _dominant_angle(dirs: np.ndarray, lengths: np.ndarray) -> float:
    """Length-weighted median of the line angles (radians).

    Angles are taken relative to the longest line's, so that lines near ±180° do not split the vote.
    """
    angles = np.arctan2(dirs[:, 1], dirs[:, 0])
    ref = angles[np.argmax(lengths)]
    rel = (angles - ref + np.pi) % (2 * np.pi) - np.pi
    order = np.argsort(rel, kind="stable")
    cumulative = np.cumsum(lengths[order])
    return float(ref + rel[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _derotate(points: np.ndarray, angle: float) -> np.ndarray:
    """Points turned by -angle around the origin, so that direction `angle` becomes +x."""
    c, s = np.cos(angle), np.sin(angle)
    return points @ np.array([[c, -s], [s, c]])  # [x, y] -> [x c + y s, -x s + y c]


def _split(rects: np.ndarray, items: list[int], axis: int, min_gap: float) -> list[list[int]]:
    """`items` cut at every whitespace gap wider than `min_gap` in their projection on x (axis 0) or y (1)."""
    lo, hi = rects[items, axis], rects[items, axis + 2]
    groups: list[list[int]] = []
    reach = -np.inf
    for k in np.lexsort((items, lo)):
        if lo[k] - reach > min_gap:
            groups.append([])
        groups[-1].append(items[k])
        reach = max(reach, hi[k])
    return groups


def _xy_cut(rects: np.ndarray, items: list[int], min_column_gap: float) -> list[int]:
    """Blocks (rects: x0, y0, x1, y1 in the page frame) in reading order, by recursive XY-cut.

    Columns first: if a vertical whitespace gap splits the blocks, read them column by column, left
    to right. Otherwise cut at the horizontal gaps into strips, read top to bottom, after merging
    neighbouring strips that together still split into columns (two-column text whose paragraph
    breaks happen to line up). Blocks that neither cut parts are put in order by `_partial_order`.
    """
    if len(items) <= 1:
        return items
    parts = _split(rects, items, 0, min_column_gap)
    if len(parts) == 1:
        parts = []
        for strip in _split(rects, items, 1, 0.0):
            if parts and len(_split(rects, parts[-1] + strip, 0, min_column_gap)) > 1:
                parts[-1] = parts[-1] + strip
            else:
                parts.append(strip)
    if len(parts) == 1:
        return _partial_order(rects, items)
    return [i for part in parts for i in _xy_cut(rects, part, min_column_gap)]


def _partial_order(rects: np.ndarray, items: list[int]) -> list[int]:
    """Blocks in an order that keeps every "reads before" of Breuel (2003), topologically sorted.

    a reads before b when they overlap horizontally and a starts higher, or when a lies wholly left
    of b and no block between them vertically overlaps both horizontally (which would be a heading
    or a full-width paragraph that ends the columns). So a column is read to its end before the next
    even where a picture or a caption straddling the gutter leaves no clean XY-cut. Among the blocks
    free to come next the topmost, then leftmost, goes first; blocks caught in a cycle of the
    relation (it is not always a partial order) follow by the same rule.
    """
    x0, y0, x1, y1 = (rects[items, k] for k in range(4))
    n = len(items)
    overlap = (np.minimum(x1[:, None], x1[None]) > np.maximum(x0[:, None], x0[None]))  # [a, b]: x-ranges overlap
    before = overlap & (y0[:, None] < y0[None])
    left_of = x1[:, None] <= x0[None]
    centre = (y0 + y1) / 2
    for a in np.flatnonzero(left_of.any(axis=1)):
        spans = np.flatnonzero(overlap[a])  # blocks that could stand between a and a block to its right
        lo, hi = np.minimum(centre[a], centre[:, None]), np.maximum(centre[a], centre[:, None])  # (n, 1) each
        between = ((centre[spans] > lo) & (centre[spans] < hi) & overlap[:, spans]).any(axis=1)  # [b]
        before[a] |= left_of[a] & ~between
    np.fill_diagonal(before, False)
    waiting = before.sum(axis=0)  # how many blocks must still come before each
    key = sorted(range(n), key=lambda k: (y0[k], x0[k], items[k]))
    order, done = [], np.zeros(n, bool)
    while len(order) < n:
        ready = [k for k in key if not done[k] and waiting[k] == 0] or [next(k for k in key if not done[k])]
        k = ready[0]
        order.append(k)
        done[k] = True
        waiting -= before[k]
    return [items[k] for k in order]
