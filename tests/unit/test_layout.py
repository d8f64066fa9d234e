import random

import cv2
import numpy as np
import pytest

from ocrforge.pipeline.layout import arrange
from ocrforge.results import Block, Word

PAGE_CENTRE = np.array([400.0, 300.0])


def rotate(points: np.ndarray, angle: float, centre: np.ndarray) -> np.ndarray:
    """Points turned by `angle` degrees around `centre`, clockwise on screen (image y points down)."""
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return ((points - centre) @ rot.T + centre).astype(np.float32)


def word(text: str, x: float, y: float, w: float, h: float, angle: float = 0.0) -> Word:
    """A Word whose box is the rectangle at top-left (x, y), w by h, turned by `angle` around its centre."""
    corners = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32)
    return Word(text, 1.0, rotate(corners, angle, corners.mean(axis=0)))


def rotate_page(words: list[Word], angle: float) -> list[Word]:
    return [Word(w.text, w.confidence, rotate(w.box, angle, PAGE_CENTRE)) for w in words]


def line_of(texts: list[str], x: float, y: float, h: float = 20.0) -> list[Word]:
    """Words set left to right from (x, y): 12 px per character, a 6 px space between words."""
    words = []
    for text in texts:
        words.append(word(text, x, y, 12 * len(text), h))
        x += 12 * len(text) + 6
    return words


def line_texts(blocks: list[Block]) -> list[str]:
    return [line.text for block in blocks for line in block.lines]


def shuffled(words: list[Word], seed: int = 0) -> list[Word]:
    words = list(words)
    random.Random(seed).shuffle(words)
    return words


# A heading across both columns, then two columns of three lines whose rows line up.
HEADING = "Layout Of Two Columns"
LEFT = ["left one a", "left two b", "left three c"]
RIGHT = ["right one d", "right two e", "right three f"]


def two_column_page() -> list[Word]:
    words = []
    x = 60
    for text in HEADING.split():  # 36 px type: taller than the body, and wide enough to span the gutter
        words.append(word(text, x, 40, 26 * len(text), 36))
        x += 26 * len(text) + 14
    for row, (left, right) in enumerate(zip(LEFT, RIGHT)):
        y = 120 + 30 * row
        words += line_of(left.split(), 60, y) + line_of(right.split(), 450, y)
    return shuffled(words)


def test_one_line_in_shuffled_order_comes_back_left_to_right():
    texts = ["the", "quick", "brown", "fox", "jumps"]
    blocks = arrange(shuffled(line_of(texts, 50, 100), seed=3))
    assert len(blocks) == 1 and len(blocks[0].lines) == 1
    assert [w.text for w in blocks[0].lines[0].words] == texts


def test_two_columns_read_heading_then_left_then_right():
    blocks = arrange(two_column_page())
    assert line_texts(blocks) == [HEADING, *LEFT, *RIGHT]
    assert [b.text for b in blocks] == [HEADING, "\n".join(LEFT), "\n".join(RIGHT)]


def test_two_columns_rotated_20_degrees_read_the_same():
    blocks = arrange(rotate_page(two_column_page(), 20))
    assert line_texts(blocks) == [HEADING, *LEFT, *RIGHT]
    assert [b.text for b in blocks] == [HEADING, "\n".join(LEFT), "\n".join(RIGHT)]


PARAGRAPH = ["a page turned by", "minus thirty degrees keeps", "its lines and its", "word order intact"]


def rotated_paragraph(angle: float) -> list[Word]:
    words = []
    for row, text in enumerate(PARAGRAPH):
        words += line_of(text.split(), 150, 200 + 32 * row)
    return shuffled(rotate_page(words, angle), seed=1)


def test_page_rotated_minus_30_keeps_lines_and_word_order():
    blocks = arrange(rotated_paragraph(-30))
    assert line_texts(blocks) == PARAGRAPH
    assert len(blocks) == 1


def test_wide_gap_on_one_baseline_splits_the_line():
    blocks = arrange([word("right", 400, 100, 60, 20), word("left", 50, 100, 48, 20)])
    assert line_texts(blocks) == ["left", "right"]


def test_words_at_different_angles_do_not_share_a_line():
    blocks = arrange([word("level", 50, 100, 60, 20), word("tilted", 115, 100, 72, 20, angle=40)])
    assert sorted(line_texts(blocks)) == ["level", "tilted"]


def test_line_boxes_are_clockwise_from_top_left_and_hold_their_words():
    for words in (two_column_page(), rotate_page(two_column_page(), 20), rotated_paragraph(-30)):
        for line in [line for block in arrange(words) for line in block.lines]:
            box = line.box
            assert box.shape == (4, 2)
            x, y = box[:, 0], box[:, 1]
            assert np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y) > 0  # clockwise on screen, y down
            assert np.argmin(box.sum(axis=1)) == 0  # starts at the top-left corner
            top = (box[1] - box[0]) / np.linalg.norm(box[1] - box[0])
            word_top = line.words[0].box[1] - line.words[0].box[0]
            assert top @ word_top / np.linalg.norm(word_top) > 0.999  # top edge runs along the text
            for corner in np.concatenate([w.box for w in line.words]):
                assert cv2.pointPolygonTest(box, (float(corner[0]), float(corner[1])), True) >= -1.0


def test_single_word_is_one_block_of_one_line():
    only = word("alone", 10, 10, 60, 20, angle=12)
    blocks = arrange([only])
    assert len(blocks) == 1 and len(blocks[0].lines) == 1
    assert len(blocks[0].lines[0].words) == 1 and blocks[0].lines[0].words[0] is only
    assert np.allclose(blocks[0].lines[0].box, only.box, atol=0.5)


def test_empty_input_gives_no_blocks():
    assert arrange([]) == []


def test_a_line_split_off_inside_its_paragraph_is_read_in_its_place():
    # The second line came out of detection in two pieces with a wide gap: the right-hand piece cannot
    # be chained (its neighbours above and below are taken by the left piece), but it lies inside the
    # paragraph, so it is read there and not after the whole paragraph.
    long_line = ["alpha", "bravo", "charlie", "delta", "echo"]
    words = (line_of(long_line, 0, 0) + line_of(["five", "six"], 0, 30) + line_of(["seven"], 250, 30)
             + line_of(long_line, 0, 60) + line_of(long_line, 0, 90))
    blocks = arrange(words)
    assert len(blocks) == 1
    assert line_texts(blocks) == [" ".join(long_line), "five six", "seven", " ".join(long_line), " ".join(long_line)]


NARROW_LEFT = ["row one at", "row two is", "row six is", "row ten at"]  # 8 letters in 3 words each
NARROW_RIGHT = ["and the row", "at its right", "comes after", "all of them"]


def narrow_gutter_page(gutter: float) -> list[Word]:
    """Two justified columns of four lines, rows aligned, `gutter` px of whitespace between them (20 px type)."""
    left, right = NARROW_LEFT, NARROW_RIGHT
    width = 12 * 8 + 6 * 2  # every left line: 12 px a letter, 6 px a space
    words = []
    for row, (l_text, r_text) in enumerate(zip(left, right)):
        words += line_of(l_text.split(), 50, 100 + 26 * row) + line_of(r_text.split(), 50 + width + gutter, 100 + 26 * row)
    return words


def test_a_gutter_no_wider_than_a_long_space_still_parts_the_columns():
    blocks = arrange(shuffled(narrow_gutter_page(gutter=28)))  # 1.4 word heights: under the 2.0 of a plain gap
    assert [b.text for b in blocks] == ["\n".join(NARROW_LEFT), "\n".join(NARROW_RIGHT)]


def test_a_wide_space_that_lines_above_and_below_run_through_keeps_its_line():
    words = line_of(["a", "justified", "line", "of", "text"], 50, 100)
    words += [word("wide", 50, 126, 48, 20), word("space", 50 + 48 + 28, 126, 60, 20)]  # 28 px: 1.4 heights
    words += line_of(["and", "another", "justified", "one"], 50, 152)
    assert line_texts(arrange(shuffled(words))) == ["a justified line of text", "wide space", "and another justified one"]


def test_a_drop_cap_beside_two_lines_does_not_merge_them():
    words = [word("S", 50, 100, 40, 46)] + line_of(["he", "moped", "she"], 100, 100) + line_of(["wandered", "around"], 100, 126)
    lines = line_texts(arrange(shuffled(words)))
    assert "he moped she" in lines and "wandered around" in lines


def test_columns_around_a_caption_across_the_gutter_are_read_one_after_the_other():
    # A picture sits between the columns, which narrow around it; its caption blocks every vertical
    # cut, and the right column starts higher than the left: only the "reads before" relation keeps
    # the left column first and whole.
    left = ["aaaa bbbb cccc", "dddd eeee ffff", "gggg", "hhhh", "iiii", "jjjj"]  # x 50..206, then 50..98
    right = ["mmm nnn", "ooo ppp", "qqq rrr", "sss ttt", "uuu vvv", "www xxx"]  # x 238..316
    words = []
    for row, text in enumerate(left):
        words += line_of(text.split(), 50, 130 + 26 * row)
    for row, text in enumerate(right):
        words += line_of(text.split(), 290 if 3 <= row <= 5 else 238, 100 + 26 * row)  # indented by the picture
    words += [word("fig", 150, 258, 36, 12), word("one", 192, 258, 36, 12), word("caption", 150, 274, 84, 12),
              word("text", 240, 274, 48, 12)]  # x 150..288: across the gutter, under the picture
    blocks = arrange(shuffled(words))
    assert [b.text for b in blocks] == ["\n".join(left), "\n".join(right), "fig one\ncaption text"]


def test_a_wide_space_in_a_line_with_no_lines_near_it_keeps_its_line():
    # Only neighbouring lines can show a gutter: the line's own words left and right of the gap do not.
    words = line_of(["spaced", "out"], 50, 100) + line_of(["words", "here"], 50 + 12 * 9 + 6 + 28, 100)
    words += line_of(["far", "below"], 50, 300)
    assert line_texts(arrange(shuffled(words))) == ["spaced out words here", "far below"]


def test_a_gutter_widened_by_a_word_lost_to_its_right_still_parts_the_columns():
    # The right column's second line lost its first word ("a"): the gap in that line runs past where
    # the other right-hand lines begin, but a strip of it is still crossed by none of them.
    left = ["row one at", "row two is", "row six is", "row ten at"]
    right = ["so it goes", "a long way", "to the end", "of the row"]
    words = []
    for row, (l_text, r_text) in enumerate(zip(left, right)):
        words += line_of(l_text.split(), 50, 100 + 26 * row) + line_of(r_text.split(), 50 + 108 + 18, 100 + 26 * row)
    words = [w for w in words if w.text != "a"]
    right[1] = "long way"
    assert [b.text for b in arrange(shuffled(words))] == ["\n".join(left), "\n".join(right)]


def test_spaces_lined_up_over_three_lines_are_a_river_not_a_gutter():
    # Justified text, widely spaced lines: the wide space of the middle line has wide spaces of the
    # lines above and below right across from it, and the lines after those run straight through.
    def row(left: list[str], right: list[str], y: float, gap: float) -> list[Word]:
        start = 200 - (sum(12 * len(t) for t in left) + 6 * (len(left) - 1))  # every left part ends at x 200
        return line_of(left, start, y) + line_of(right, 200 + gap, y)

    words = (line_of(["watching", "them", "both", "for", "hours"], 60, 100)
             + row(["over", "the", "lazy"], ["dog", "again"], 132, 36) + row(["and", "the", "fox"], ["runs", "off"], 164, 34)
             + row(["while", "a", "cat"], ["sat", "still"], 196, 35) + line_of(["and", "all", "that", "time", "too"], 60, 228))
    lines = line_texts(arrange(shuffled(words)))
    assert lines == ["watching them both for hours", "over the lazy dog again", "and the fox runs off",
                     "while a cat sat still", "and all that time too"]



@pytest.mark.parametrize("growth", [0.0, 0.1, 0.2])
def test_boxes_drawn_looser_around_their_words_keep_the_reading_order(growth):
    # Detectors differ in how far their boxes reach past the ink; a box grown on every side by a share
    # of its height must not join the columns or split the lines.
    def grown(w: Word) -> Word:
        box = np.asarray(w.box, np.float32)
        margin = growth * float(np.linalg.norm(box[3] - box[0]))
        return Word(w.text, w.confidence, box + np.float32([[-margin, -margin], [margin, -margin], [margin, margin], [-margin, margin]]))

    blocks = arrange(shuffled([grown(w) for w in narrow_gutter_page(gutter=28)]))
    assert [b.text for b in blocks] == ["\n".join(NARROW_LEFT), "\n".join(NARROW_RIGHT)]
