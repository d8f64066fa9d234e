"""The plate-format prior: an unsure look-alike that keeps a reading off every known format is read as
the other kind of character, and an unsure extra character is dropped; a sure reading, or one further
off, stays as it was read."""

import numpy as np
import pytest

from ocrforge.plates.formats import REGIONS, fit_format, shapes
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import greedy_decode

CHARSET = Charset()


def _probs(readings: list[list[tuple[str, float]]]) -> np.ndarray:
    """(n, C) class probabilities: each position's listed characters, the rest a small floor."""
    probs = np.full((len(readings), CHARSET.num_classes), 1e-4)
    for i, alternatives in enumerate(readings):
        for char, p in alternatives:
            probs[i, CHARSET.encode(char)[0]] = p
    return probs


def _plate(text: str, unsure: dict[int, tuple[str, float, float]]) -> np.ndarray:
    """`text` read surely but at the positions of `unsure`: (other reading, p read, p other)."""
    return _probs([[(c, unsure[i][1]), (unsure[i][0], unsure[i][2])] if i in unsure else [(c, 0.99)]
                   for i, c in enumerate(text)])


def test_shapes_of_a_region_and_of_all():
    assert shapes("br", 7) == {"LLLDDDD", "LLLDLDD"}
    assert {"LLDDLLL", "LLLDDDD", "DLLLDDD"} <= shapes("auto", 7)
    assert all(shapes(region, 7) <= shapes("auto", 7) for region in REGIONS)


def test_an_unsure_look_alike_off_the_format_is_read_as_the_other_kind():
    probs = _plate("LWWI974", {3: ("1", 0.6, 0.35)})
    assert "".join(fit_format("LWWI974", probs, CHARSET, "br")) == "LWW1974"
    assert "".join(fit_format("LWWI974", probs, CHARSET, "none")) == "LWWI974"
    probs = _plate("AB12CDE", {2: ("I", 0.3, 0.25)})  # fits the British format as read: left alone
    assert "".join(fit_format("AB12CDE", probs, CHARSET, "uk")) == "AB12CDE"


def test_a_sure_reading_or_one_two_characters_off_stays():
    sure = _plate("LWWI974", {3: ("1", 0.99, 0.004)})
    assert "".join(fit_format("LWWI974", sure, CHARSET, "br")) == "LWWI974"
    two_off = _plate("LWWI9B4", {3: ("1", 0.5, 0.45), 5: ("8", 0.5, 0.45)})  # LLLDDDD is two changes away
    assert "".join(fit_format("LWWI9B4", two_off, CHARSET, "br")) == "LWWI9B4"
    assert "".join(fit_format("GWAGEN", _plate("GWAGEN", {}), CHARSET, "auto")) == "GWAGEN"  # a vanity plate


def test_an_unsure_extra_character_off_the_format_is_dropped():
    # A coat of arms at the left end read as "P", its frame also likely blank: RK828AG fits Slovakia's LLDDDLL.
    arms = _plate("PRK828AG", {0: ("9", 0.6, 0.1)})
    arms[0, CHARSET.blank] = 0.2
    assert fit_format("PRK828AG", arms, CHARSET, "eu") == ["", *"RK828AG"]
    assert "".join(fit_format("PRK828AG", arms, CHARSET, "none")) == "PRK828AG"
    arms[0, CHARSET.blank] = 1e-4  # no sign of a blank there: the character stays
    assert "".join(fit_format("PRK828AG", arms, CHARSET, "eu")) == "PRK828AG"


def test_greedy_decoding_keeps_each_characters_probabilities_for_the_prior():
    probs = _probs([[("A", 0.9)], [("A", 0.95)], [("I", 0.55), ("1", 0.4)]])
    probs[:, CHARSET.blank] = 0.0
    blank = np.zeros((1, CHARSET.num_classes))
    blank[0, CHARSET.blank] = 1.0
    decoded = greedy_decode(np.concatenate([probs[:2], blank, probs[2:]]), CHARSET)
    assert decoded.text == "AI"
    assert decoded.char_probs.shape == (2, CHARSET.num_classes)
    assert decoded.char_probs[0, CHARSET.encode("A")[0]] == pytest.approx(0.95)  # the surer of A's two frames
    assert decoded.char_probs[1, CHARSET.encode("1")[0]] == pytest.approx(0.4)


def test_a_plate_read_in_pieces_is_fitted_as_one_and_keeps_its_separators():
    from ocrforge.plates.reader import _fit_format, _Piece

    quad = np.array([[0, 0], [40, 0], [40, 10], [0, 10]], np.float32)
    left = _Piece(quad, "LWW-", 0.9, _probs([[("L", 0.99)], [("W", 0.99)], [("W", 0.99)], [("-", 0.9)]]))
    right = _Piece(quad + [50, 0], "I974", 0.8, _plate("I974", {0: ("1", 0.6, 0.35)}))
    assert _fit_format([left, right], CHARSET, "br") == ["LWW-", "1974"]
    assert _fit_format([left, right], CHARSET, "none") == ["LWW-", "I974"]
