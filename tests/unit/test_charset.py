import pytest

from ocrforge.text.charset import PRINTABLE_ASCII, Charset
from ocrforge.text.escape import escape, unescape


def test_printable_ascii_is_95_characters_with_space():
    assert len(PRINTABLE_ASCII) == 95
    assert " " in PRINTABLE_ASCII and "~" in PRINTABLE_ASCII and "\t" not in PRINTABLE_ASCII


def test_encode_decode_round_trip_every_character():
    charset = Charset()
    indices = charset.encode(PRINTABLE_ASCII)
    assert 0 not in indices  # 0 is the blank
    assert charset.decode(indices) == PRINTABLE_ASCII
    assert charset.num_classes == 96


def test_decode_skips_blank_and_encode_rejects_unknown():
    charset = Charset("abc")
    assert charset.decode([1, 0, 2, 0, 3]) == "abc"
    with pytest.raises(ValueError, match="'é'"):
        charset.encode("cabé")


def test_escape_round_trip():
    text = "a\tb\nc\\d \\n"
    escaped = escape(text)
    assert "\t" not in escaped and "\n" not in escaped
    assert unescape(escaped) == text
