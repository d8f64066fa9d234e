import cv2
import numpy as np

from ocrforge.detect.stacked import split_stacked_lines

LINE_PX = 30  # baseline to baseline; the detector boxes of one line are about this high


def page_with_lines(texts: list[str], scale: float = 0.8, top: int = 40) -> np.ndarray:
    page = np.full((top + LINE_PX * len(texts) + 40, 520, 3), 255, np.uint8)
    for row, text in enumerate(texts):
        cv2.putText(page, text, (20, top + 20 + LINE_PX * row), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 2)
    return page


def box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def one_line_boxes(rows: range) -> list[np.ndarray]:
    return [box(20, 40 + LINE_PX * r - 2, 200, 40 + LINE_PX * r + 26) for r in rows]


def test_a_box_over_two_lines_is_cut_into_one_box_per_line():
    page = page_with_lines(["first line here", "second line too"] + ["more text"] * 6)
    stacked = box(15, 36, 260, 40 + LINE_PX + 26)  # rows 0 and 1 in one box
    pieces = split_stacked_lines(page, [stacked] + one_line_boxes(range(2, 8)))
    from_stacked = [quad for quad, parent in pieces if parent == 0]
    assert len(from_stacked) == 2
    (top, bottom) = sorted(from_stacked, key=lambda q: q[:, 1].mean())
    assert top[:, 1].max() <= 40 + LINE_PX + 2 and bottom[:, 1].min() >= 40 + 24  # parted between the rows
    assert all(quad[:, 0].max() < 260 for quad in from_stacked)  # as wide as the ink, not the box
    assert [parent for _, parent in pieces[2:]] == list(range(1, 7))  # the others unchanged, in order
    assert all(np.array_equal(q, b) for (q, _), b in zip(pieces[2:], one_line_boxes(range(2, 8))))


def test_a_line_of_big_type_is_left_whole():
    page = page_with_lines(["small"] * 6 + ["BIG"], top=40)
    big_top = 40 + LINE_PX * 6 + 20
    cv2.rectangle(page, (0, big_top - 30), (519, page.shape[0] - 1), (255, 255, 255), -1)
    cv2.putText(page, "BIG TYPE", (20, big_top + 40), cv2.FONT_HERSHEY_SIMPLEX, 2.4, (0, 0, 0), 6)
    heading = box(10, big_top - 20, 420, big_top + 50)  # 70 px: over twice a body line
    pieces = split_stacked_lines(page, one_line_boxes(range(6)) + [heading])
    assert len(pieces) == 7 and np.array_equal(pieces[-1][0], heading)


def test_few_boxes_are_never_cut():
    page = page_with_lines(["first line here", "second line too"])
    stacked = box(15, 36, 260, 40 + LINE_PX + 26)
    assert len(split_stacked_lines(page, [stacked, one_line_boxes(range(1))[0]])) == 2
