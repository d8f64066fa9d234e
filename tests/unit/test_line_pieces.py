import cv2
import numpy as np

from ocrforge.runtime.line_pieces import MAX_PIECE, line_pieces


def line_crop(text: str, height: int = 32, light_on_dark: bool = False) -> np.ndarray:
    """The words drawn 10 px apart (a third of the height, as printed word spaces are) on a 32 px high strip."""
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, 0.8
    widths = [cv2.getTextSize(word, font, scale, 2)[0][0] for word in text.split()]
    crop = np.full((height, sum(widths) + 10 * len(widths) + 6), 255, np.uint8)
    x = 6
    for word, width in zip(text.split(), widths):
        cv2.putText(crop, word, (x, 22), font, scale, 0, 2)
        x += width + 10
    return 255 - crop if light_on_dark else crop


def test_a_long_line_is_cut_at_spaces_into_short_pieces_that_make_it_up():
    for light_on_dark in (False, True):
        crop = line_crop("the quick brown fox jumps over the lazy dog and runs far away", light_on_dark=light_on_dark)
        pieces = line_pieces(crop)
        assert len(pieces) >= 2
        assert all(p.shape[1] <= MAX_PIECE * crop.shape[0] for p in pieces)
        assert np.array_equal(np.concatenate(pieces, axis=1), crop)
        ink = crop < 128 if not light_on_dark else crop > 128
        cuts = np.cumsum([p.shape[1] for p in pieces])[:-1]
        assert not ink[:, cuts].any()  # every cut runs through blank columns, never through a letter


def test_short_lines_and_lines_without_spaces_stay_whole():
    short = line_crop("two words")
    assert len(line_pieces(short)) == 1 and line_pieces(short)[0] is short
    solid = line_crop("W" * 40)  # long, but its letters touch: nowhere to cut
    assert len(line_pieces(solid)) == 1
