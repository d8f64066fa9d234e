"""Search the index: BM25-ranked hits with a snippet, the asset, the video time and the boxes of the matching words."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass

from ocrforge.index.store import IndexStore


@dataclass(frozen=True)
class Hit:
    path: str
    media: str
    width: int | None  # of the image or video frame, in pixels: the boxes' frame of reference
    height: int | None
    page: int
    t_start: float | None
    t_end: float | None
    snippet: str  # matching terms in [brackets]
    score: float  # BM25; higher is better
    boxes: list[list[list[float]]]  # the matching words' boxes, four [x, y] points each
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


class QueryError(ValueError):
    pass


_TERM = re.compile(r'"[^"]*"|\S+')
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def fts_query(query: str) -> str:
    """The user's query in FTS5 syntax. Words are matched as words, "quoted phrases" as phrases,
    `word*` as a prefix; AND, OR and NOT work as in FTS5. Any other punctuation is taken literally
    (e-mails, prices, dates are searched as the phrase of their parts)."""
    parts = []
    for term in _TERM.findall(query):
        if term in _OPERATORS:
            parts.append(term)
        elif term.startswith('"'):
            inner = term.strip('"').replace('"', "")
            if inner.strip():
                parts.append(f'"{inner}"')
        else:
            prefix = term.endswith("*")
            words = re.findall(r"\w+", term)
            if words:
                parts.append(f'"{" ".join(words)}"' + ("*" if prefix else ""))
    if not [p for p in parts if p not in _OPERATORS]:
        raise QueryError(f"nothing to search for in {query!r}")
    return " ".join(parts)


def query_terms(query: str) -> list[tuple[str, bool]]:
    """(lower-cased word, is a prefix) for each searched word, to find the matching words' boxes."""
    terms = []
    for term in _TERM.findall(query):
        if term in _OPERATORS:
            continue
        prefix = term.endswith("*") and not term.startswith('"')
        terms.extend((word.lower(), prefix) for word in re.findall(r"\w+", term))
    return terms


def _matching_boxes(words: list[dict], terms: list[tuple[str, bool]]) -> list[list[list[float]]]:
    boxes = []
    for word in words:
        tokens = [t.lower() for t in re.findall(r"\w+", word["text"])]
        if any(token == term or (prefix and token.startswith(term)) for token in tokens for term, prefix in terms):
            boxes.append(word["box"])
    return boxes


def search(store: IndexStore, query: str, *, limit: int = 20, tag: str | None = None, media: str | None = None,
           path_prefix: str | None = None) -> list[Hit]:
    """Hits for `query`, best first. `tag`: KIND or KIND:VALUE (e.g. price, plate:AB12 CDE);
    `media`: image, pdf or video; `path_prefix`: only assets whose path starts with it."""
    where, params = ["entries_fts MATCH ?"], [fts_query(query)]
    if media:
        where.append("a.media = ?")
        params.append(media)
    if path_prefix:
        where.append("substr(a.path, 1, ?) = ?")
        params += [len(path_prefix), path_prefix]
    if tag:
        kind, _, value = tag.partition(":")
        where.append("EXISTS (SELECT 1 FROM tags t WHERE t.entry_id = e.id AND t.kind = ?"
                     + (" AND t.value = ? COLLATE NOCASE)" if value else ")"))
        params += [kind, value] if value else [kind]
    sql = (
        "SELECT a.path, a.media, a.width, a.height, e.page, e.t_start, e.t_end, e.text, e.words,"
        " snippet(entries_fts, 0, '[', ']', '…', 12) AS snippet, bm25(entries_fts) AS rank"
        " FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid JOIN assets a ON a.id = e.asset_id"
        f" WHERE {' AND '.join(where)} ORDER BY rank LIMIT ?"
    )
    try:
        rows = store.db.execute(sql, params + [limit]).fetchall()
    except sqlite3.OperationalError as err:
        raise QueryError(f"cannot search for {query!r}: {err}") from None
    terms = query_terms(query)
    return [
        Hit(row["path"], row["media"], row["width"], row["height"], row["page"], row["t_start"], row["t_end"], row["snippet"], -row["rank"],
            _matching_boxes(json.loads(row["words"]), terms), row["text"])
        for row in rows
    ]


def tag_counts(store: IndexStore, kind: str | None = None, limit: int = 50) -> list[tuple[str, str, int]]:
    """(kind, value, number of assets) by count, most common first."""
    sql = "SELECT kind, value, count(DISTINCT asset_id) AS n FROM tags"
    params: list = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    sql += " GROUP BY kind, value ORDER BY n DESC, kind, value LIMIT ?"
    return [(row["kind"], row["value"], row["n"]) for row in store.db.execute(sql, params + [limit])]
