"""Tags the indexer attaches to read text, and the search-query translation to FTS5."""

from __future__ import annotations

import numpy as np
import pytest

from ocrforge.index.search import QueryError, fts_query, query_terms
from ocrforge.index.tags import keyword_tags, pattern_tags
from ocrforge.results import Word


def _tags(text: str) -> set[tuple[str, str]]:
    return {(tag.kind, tag.value) for tag in pattern_tags(text)}


def test_patterns_find_prices_dates_contacts_and_plates():
    tags = _tags("Total $13.99 on 12/30/2016, call (714) 879-3574 or mail bob.smith@example.com, www.kristie.de")
    assert {("price", "$13.99"), ("date", "12/30/2016"), ("number", "(714) 879-3574"),
            ("email", "bob.smith@example.com"), ("url", "www.kristie.de")} <= tags
    assert _tags("Parked: AB12 CDE, B-MW 1234 and 7ABC123") >= {("plate", "AB12 CDE"), ("plate", "B-MW 1234"), ("plate", "7ABC123")}
    assert _tags("Opened 21 Jan 1975 for 1,200 guests at 4.99 EUR") >= {("date", "21 Jan 1975"), ("number", "1,200"), ("price", "4.99 EUR")}


def test_a_match_is_tagged_once_with_its_most_specific_kind():
    tags = _tags("ROOM 101 costs $25.00")
    assert ("plate", "ROOM 101") not in tags  # a word and a number, not a plate
    assert ("number", "101") in tags
    assert ("price", "$25.00") in tags and ("number", "25.00") not in tags
    assert not [t for t in tags if t[1] == "3"] and _tags("step 3 of 4") == set()


def _word(text: str, height: float, confidence: float = 0.95) -> Word:
    box = np.float32([[0, 0], [10 * len(text), 0], [10 * len(text), height], [0, height]])
    return Word(text, confidence, box)


def test_keywords_are_the_big_confident_words_not_stop_words():
    words = [_word("GRAND", 80), _word("HOTEL", 80), _word("the", 80), _word("rooms", 20), _word("blurry", 90, 0.2),
             _word("x7", 90), _word("breakfast", 20)]
    keywords = [tag.value for tag in keyword_tags(words, limit=3)]
    assert keywords[:2] == ["grand", "hotel"]
    assert "the" not in keywords and "blurry" not in keywords and "x7" not in keywords


@pytest.mark.parametrize("query, expected", [
    ("harbour cafe", '"harbour" "cafe"'),
    ('"open daily"', '"open daily"'),
    ("harb*", '"harb"*'),
    ("cafe OR bar NOT closed", '"cafe" OR "bar" NOT "closed"'),
    ("bob@example.com", '"bob example com"'),
    ("$4.99", '"4 99"'),
])
def test_queries_become_fts5_syntax_with_punctuation_taken_literally(query, expected):
    assert fts_query(query) == expected


def test_an_empty_query_is_refused_and_terms_know_prefixes():
    with pytest.raises(QueryError):
        fts_query('  "" ** ')
    assert query_terms('harb* "Open Daily"') == [("harb", True), ("open", False), ("daily", False)]
