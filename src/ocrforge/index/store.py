"""The index database: SQLite with an FTS5 full-text table, one transaction per asset.

An asset is written, replaced or removed in a single transaction, so a run killed at any moment
(even `kill -9`) leaves every asset either fully indexed or not at all, and a rerun finishes the job.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,        -- absolute
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    media TEXT NOT NULL,              -- image | pdf | video
    width INTEGER, height INTEGER,
    duration REAL,                    -- seconds, videos only
    error TEXT,                       -- why it could not be read; NULL when it was
    indexed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (  -- a page of an image, or a piece of text on screen for a time range
    id INTEGER PRIMARY KEY,
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    page INTEGER NOT NULL DEFAULT 0,  -- page of a multi-page TIFF or PDF, from 0
    t_start REAL, t_end REAL,         -- video: seconds
    text TEXT NOT NULL,
    words TEXT NOT NULL               -- JSON: [{"text", "confidence", "box"}]
);
CREATE INDEX IF NOT EXISTS entries_asset ON entries(asset_id);
CREATE TABLE IF NOT EXISTS tags (
    asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tags_kind_value ON tags(kind, value);
CREATE INDEX IF NOT EXISTS tags_asset ON tags(asset_id);
CREATE INDEX IF NOT EXISTS tags_entry ON tags(entry_id, kind, value);  -- tag filters; deleting an entry
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(
    text, content='entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
    prefix='2 3 4'  -- prefix queries (harb*) read a prefix index instead of every term
);
CREATE TRIGGER IF NOT EXISTS entries_ai AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS entries_ad AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts(entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""


@dataclass
class EntryRecord:
    text: str
    words: list[dict]  # {"text", "confidence", "box"}
    tags: list[tuple[str, str]]  # (kind, value)
    page: int = 0
    t_start: float | None = None
    t_end: float | None = None


@dataclass
class AssetRecord:
    path: str
    sha256: str
    size: int
    mtime: float
    media: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    error: str | None = None
    entries: list[EntryRecord] = field(default_factory=list)


@dataclass(frozen=True)
class StoredAsset:
    id: int
    sha256: str
    size: int
    mtime: float


class IndexStore:
    """One connection to an index file; create it with `IndexStore.open(path)`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> IndexStore:
        path = Path(path)
        if readonly and not path.is_file():
            raise FileNotFoundError(f"{path}: no such index (create it with `ocrforge index ... --db {path}`)")
        try:  # a file that is not SQLite, or a truncated or corrupt one, fails somewhere in here
            if readonly:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")  # readers (search, the server) never block the indexer
                db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process, fast commits
                db.executescript(_SCHEMA)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                db.commit()
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            version = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as err:
            raise ValueError(f"{path}: not an ocrforge index, or a damaged one ({err})") from None
        if version is None or int(version["value"]) != SCHEMA_VERSION:
            raise ValueError(f"{path}: index schema {version and version['value']} is not {SCHEMA_VERSION}")
        return cls(db)

    def close(self) -> None:
        self.db.close()

    def stored(self, path: str) -> StoredAsset | None:
        row = self.db.execute("SELECT id, sha256, size, mtime FROM assets WHERE path=?", (path,)).fetchone()
        return StoredAsset(row["id"], row["sha256"], row["size"], row["mtime"]) if row else None

    def touch(self, path: str, size: int, mtime: float) -> None:
        """Same content, new mtime (copied or touched): remember it so the next run skips hashing."""
        with self.db:
            self.db.execute("UPDATE assets SET size=?, mtime=? WHERE path=?", (size, mtime, path))

    def put(self, asset: AssetRecord) -> None:
        """Insert or replace one asset with its entries and tags, atomically."""
        with self.db:
            self.db.execute("DELETE FROM assets WHERE path=?", (asset.path,))
            cursor = self.db.execute(
                "INSERT INTO assets (path, sha256, size, mtime, media, width, height, duration, error, indexed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (asset.path, asset.sha256, asset.size, asset.mtime, asset.media, asset.width, asset.height,
                 asset.duration, asset.error, time.time()),
            )
            asset_id = cursor.lastrowid
            for entry in asset.entries:
                entry_id = self.db.execute(
                    "INSERT INTO entries (asset_id, page, t_start, t_end, text, words) VALUES (?, ?, ?, ?, ?, ?)",
                    (asset_id, entry.page, entry.t_start, entry.t_end, entry.text, json.dumps(entry.words)),
                ).lastrowid
                self.db.executemany("INSERT INTO tags (asset_id, entry_id, kind, value) VALUES (?, ?, ?, ?)",
                                    [(asset_id, entry_id, kind, value) for kind, value in entry.tags])

    def prune(self, keep: Iterable[str], under: Iterable[str]) -> list[str]:
        """Remove assets below the folders `under` whose paths are not in `keep`; returns the removed paths."""
        keep = set(keep)
        removed = []
        for root in under:
            prefix = root.rstrip("/") + "/"
            rows = self.db.execute("SELECT path FROM assets WHERE substr(path, 1, ?) = ? OR path = ?",
                                   (len(prefix), prefix, root)).fetchall()
            removed.extend(row["path"] for row in rows if row["path"] not in keep)
        with self.db:
            self.db.executemany("DELETE FROM assets WHERE path=?", [(path,) for path in removed])
        return removed

    def counts(self) -> dict[str, int]:
        row = self.db.execute("SELECT (SELECT count(*) FROM assets), (SELECT count(*) FROM entries),"
                              " (SELECT count(*) FROM assets WHERE error IS NOT NULL)").fetchone()
        return {"assets": row[0], "entries": row[1], "failed": row[2]}
