import cv2
import numpy as np
import pytest

from ocrforge.detect.boxes import BoxParams, boxes_from_prob
from ocrforge.detect.geometry import (
    crop_quad,
    expand_quad,
    offset_polygon,
    order_quad,
    orient_quads,
    reading_quad,
    shrink_distance,
)
from ocrforge.detect.inputs import resize_for_detection, scale_for_detection, to_original
from ocrforge.detect.targets import SHRINK_RATIO, THRESH_MAX, THRESH_MIN, db_targets
from ocrforge.eval.detection import iou, match, score_image


def rect(cx: float, cy: float, w: float, h: float, angle: float) -> np.ndarray:
    return order_quad(cv2.boxPoints(((cx, cy), (w, h), angle)))


def test_order_quad_is_clockwise_from_top_left_whatever_the_input_order():
    square = np.float32([[10, 10], [50, 10], [50, 30], [10, 30]])
    for shift in range(4):
        shuffled = np.roll(square, shift, axis=0)[::-1]
        np.testing.assert_array_equal(order_quad(shuffled), square)


@pytest.mark.parametrize("angle", [0, 20, -35, 60, -80])
def test_reading_quad_starts_on_the_long_top_edge_running_rightwards(angle):
    quad = reading_quad(cv2.boxPoints(((100, 100), (90, 20), angle)))
    top = quad[1] - quad[0]
    assert np.linalg.norm(top) == pytest.approx(90, abs=0.5)
    assert top[0] > 0
    # Clockwise on screen (y down): the cross product of the first two edges is positive.
    a, b = quad[1] - quad[0], quad[2] - quad[1]
    assert a[0] * b[1] - a[1] * b[0] > 0


def top_edge(quad: np.ndarray) -> np.ndarray:
    return (quad[1] - quad[0]) / np.linalg.norm(quad[1] - quad[0])


@pytest.mark.parametrize("angle", [0, 10, 90, -80])
def test_orient_quads_turns_short_words_as_the_long_ones_run(angle):
    # A line "I saw a sign" at `angle`: "I" and "a" are higher than wide, alone they would read sideways.
    direction = np.array([np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))])
    sizes = [(14, 34), (90, 30), (26, 30), (110, 30)]  # (length, height) of I, saw, a, sign
    quads, centre = [], 0.0
    for length, height in sizes:
        centre += length / 2
        quads.append(order_quad(cv2.boxPoints((tuple(100 + centre * direction), (length, height), angle))))
        centre += length / 2 + 20
    oriented = orient_quads(quads)
    for quad, (length, _) in zip(oriented, sizes):
        assert abs(top_edge(quad) @ direction) > 0.99
        assert np.linalg.norm(quad[1] - quad[0]) == pytest.approx(length, abs=0.5)
    # All of them read the same way along the line.
    assert all(top_edge(q) @ top_edge(oriented[3]) > 0.99 for q in oriented)


def test_orient_quads_without_a_long_box_lets_each_box_decide():
    tall = cv2.boxPoints(((50, 50), (20, 50), 0))
    square = cv2.boxPoints(((150, 50), (40, 36), 0))
    oriented = orient_quads([tall, square])
    np.testing.assert_allclose(oriented[0], reading_quad(tall))
    np.testing.assert_allclose(oriented[1], reading_quad(square))
    assert orient_quads([]) == []


def test_crop_quad_turns_a_rotated_bar_upright():
    image = np.zeros((200, 200, 3), np.uint8)
    quad = rect(100, 100, 120, 30, 25)
    cv2.fillConvexPoly(image, np.round(quad).astype(np.int32), (255, 255, 255))
    crop = crop_quad(image, quad)
    assert crop.shape[:2] == (30, 120)
    assert crop[3:-3, 3:-3].min() > 200  # all bar, no background


def test_offset_polygon_shrinks_and_grows_by_the_distance():
    quad = np.float32([[0, 0], [100, 0], [100, 20], [0, 20]])
    shrunk = offset_polygon(quad, -5)
    assert cv2.contourArea(shrunk) == pytest.approx(90 * 10, rel=0.02)
    grown = offset_polygon(quad, 5)
    assert cv2.contourArea(grown) > 110 * 30 * 0.97
    assert offset_polygon(quad, -11) is None  # a 20 px high box shrunk by 11 on each side is gone


def test_db_targets_mark_shrunk_kernel_threshold_border_and_ignored_boxes():
    keep = np.float32([[10, 10], [90, 10], [90, 30], [10, 30]])
    ignored = np.float32([[10, 50], [90, 50], [90, 70], [10, 70]])
    t = db_targets([keep, ignored], [False, True], (100, 100))
    d = shrink_distance(keep, SHRINK_RATIO)
    assert t.prob[20, 50] == 1 and t.prob[int(10 + d) - 2, 50] == 0
    assert t.prob[60, 50] == 0 and t.prob_mask[60, 50] == 0  # ignored: not taught as background either
    assert t.prob_mask[90, 50] == 1
    assert t.thresh[10, 50] == pytest.approx(THRESH_MAX, abs=0.05)  # on the border
    assert t.thresh[95, 5] == pytest.approx(THRESH_MIN)  # far from any box
    assert t.thresh_mask[10, 50] == 1 and t.thresh_mask[95, 5] == 0


def test_boxes_from_prob_recover_rotated_words_from_their_kernels():
    truth = [rect(80, 60, 100, 24, 0), rect(200, 150, 120, 30, -30)]
    t = db_targets(truth, [False, False], (240, 300))
    # 1.6 undoes the targets' shrink; the shipped default is smaller, as the trained model's kernels come out wider.
    found, scores = boxes_from_prob(t.prob, BoxParams(unclip_ratio=1.6))
    assert len(found) == 2 and min(scores) > 0.9
    assert len(match(found, truth, 0.7)) == 2  # unclipped back to the word boxes


def test_resize_for_detection_and_back_to_original_pixels():
    image = np.zeros((1000, 3000, 3), np.uint8)
    resized, scale = resize_for_detection(image, 1280)
    assert resized.shape[0] % 32 == 0 and resized.shape[1] % 32 == 0 and max(resized.shape) <= 1280
    quad_on_map = np.float32([[10, 10], [20, 10], [20, 15], [10, 15]])
    back = to_original([quad_on_map], 2, scale)[0]
    np.testing.assert_allclose(back[0], [10 * 2 / scale[0], 10 * 2 / scale[1]])


def test_crop_quad_enlarges_a_small_word_in_the_same_warp():
    image = np.zeros((60, 120, 3), np.uint8)
    cv2.putText(image, "ab", (20, 40), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1)
    quad = np.float32([[15, 25], [55, 25], [55, 45], [15, 45]])  # 40 x 20 px
    assert crop_quad(image, quad).shape[:2] == (20, 40)
    big = crop_quad(image, quad, min_height=32)
    assert big.shape[:2] == (32, 64)
    # The same picture as the small crop scaled up, only resampled once.
    scaled = cv2.resize(crop_quad(image, quad), (64, 32), interpolation=cv2.INTER_LINEAR)
    assert np.corrcoef(big[..., 0].ravel(), scaled[..., 0].ravel())[0, 1] > 0.9
    assert crop_quad(image, quad, min_height=10).shape[:2] == (20, 40)  # never shrunk


def test_scale_for_detection_enlarges_to_multiples_of_32():
    resized, scale = scale_for_detection(np.zeros((300, 400, 3), np.uint8), 2.0)
    assert resized.shape[:2] == (608, 800) and scale == (2.0, 608 / 300)


def test_detection_scores_match_one_to_one_at_iou_half():
    truth = [rect(50, 50, 40, 10, 0), rect(150, 50, 40, 10, 0)]
    predicted = [rect(52, 50, 40, 10, 0), rect(51, 50, 40, 12, 0), rect(300, 300, 10, 10, 0)]
    assert iou(truth[0], truth[0]) == pytest.approx(1.0)
    s = score_image(predicted, truth)
    assert (s.matched, s.predicted, s.ground_truth) == (1, 3, 2)
    assert s.precision == pytest.approx(1 / 3) and s.recall == pytest.approx(0.5)
    assert s.hmean == pytest.approx(0.4)


def test_found_boxes_inside_dont_care_regions_count_neither_way():
    truth = [rect(50, 50, 40, 10, 0)]
    dont_care = [rect(200, 200, 60, 20, 0)]
    predicted = [rect(50, 50, 40, 10, 0), rect(205, 200, 30, 16, 0), rect(400, 400, 20, 10, 0)]
    s = score_image(predicted, truth, ignore=dont_care)
    assert (s.matched, s.predicted, s.ground_truth) == (1, 2, 1)  # the one inside the region is dropped
    assert score_image(predicted, truth).predicted == 3


def test_expand_quad_grows_every_side_by_a_share_of_the_height_along_the_text():
    quad = reading_quad(cv2.boxPoints(((100, 100), (80, 20), 30)))
    grown = expand_quad(quad, 0.25)
    assert np.linalg.norm(grown[1] - grown[0]) == pytest.approx(80 + 2 * 5, abs=0.01)
    assert np.linalg.norm(grown[3] - grown[0]) == pytest.approx(20 + 2 * 5, abs=0.01)
    np.testing.assert_allclose(grown.mean(axis=0), quad.mean(axis=0), atol=1e-3)
