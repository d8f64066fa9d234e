"""Parking permits in SQLite, and checking a read plate against them at a time and in a zone.

A plate is permitted only by an exact match (separators and case aside). When the read is not an
exact match, the closest valid permit under the usual look-alikes is reported as a suggestion with
its distance, for a person to confirm: never accepted on its own.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path

from ocrforge.plates.matching import normalise, plate_distance

SUGGEST_WITHIN = 1.0  # plate_distance: one wrong character, or up to three look-alikes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS permits (
    id INTEGER PRIMARY KEY,
    plate TEXT NOT NULL,          -- as written by whoever issued it
    plate_key TEXT NOT NULL,      -- normalised: letters and digits, upper case
    valid_from TEXT NOT NULL,     -- ISO 8601, local time
    valid_to TEXT,                -- ISO 8601; NULL: open-ended
    zone TEXT                     -- NULL: every zone
);
CREATE INDEX IF NOT EXISTS permits_key ON permits(plate_key);
"""


class PermitError(ValueError):
    pass


@dataclass(frozen=True)
class Permit:
    plate: str
    valid_from: str
    valid_to: str | None
    zone: str | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PermitCheck:
    permitted: bool
    permit: Permit | None  # the permit that allows it
    reason: str  # "permit", "no permit", "expired", "not yet valid", "other zone"
    suggestion: Permit | None = None  # a close, valid permit to confirm by eye
    distance: float | None = None  # plate_distance to the suggestion

    def to_dict(self) -> dict:
        record = {"permitted": self.permitted, "permit": self.permit.to_dict() if self.permit else None, "reason": self.reason}
        if self.suggestion is not None:
            record["suggestion"] = {**self.suggestion.to_dict(), "distance": self.distance}
        return record


def parse_time(value: str, end_of_day: bool = False) -> datetime:
    """ISO date or date-time; a bare date is the start of that day (or its end, for `valid_to`)."""
    try:
        if len(value) <= 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time.max.replace(microsecond=0) if end_of_day else time.min)
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise PermitError(f"{value!r} is not a date or time (use 2026-11-25 or 2026-11-25T08:30)") from None


class PermitStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        try:
            self.db.executescript(_SCHEMA)
            self.db.execute("SELECT count(*) FROM permits").fetchone()
        except sqlite3.DatabaseError as err:
            self.db.close()
            raise PermitError(f"{self.path}: not a permit database, or a damaged one ({err})") from None

    def close(self) -> None:
        self.db.close()

    def add(self, plate: str, valid_from: str | None = None, valid_to: str | None = None, zone: str | None = None) -> Permit:
        with self.db:
            return self._insert(plate, valid_from, valid_to, zone)

    def _insert(self, plate: str, valid_from: str | None, valid_to: str | None, zone: str | None) -> Permit:
        """Check and insert one permit, in the caller's transaction; one already there is not added twice."""
        key = normalise(plate)
        if not key:
            raise PermitError(f"{plate!r} has no letters or digits")
        start = parse_time(valid_from) if valid_from else datetime.now().replace(microsecond=0)
        end = parse_time(valid_to, end_of_day=True) if valid_to else None
        if end is not None and end < start:
            raise PermitError(f"{plate}: valid_to {valid_to} is before valid_from {valid_from}")
        permit = Permit(plate.strip(), start.isoformat(), end.isoformat() if end else None, zone or None)
        self.db.execute("INSERT INTO permits (plate, plate_key, valid_from, valid_to, zone) SELECT ?, ?, ?, ?, ? "
                        "WHERE NOT EXISTS (SELECT 1 FROM permits WHERE plate_key = ? AND valid_from = ? "
                        "AND valid_to IS ? AND zone IS ?)",
                        (permit.plate, key, permit.valid_from, permit.valid_to, permit.zone,
                         key, permit.valid_from, permit.valid_to, permit.zone))
        return permit

    def remove(self, plate: str, zone: str | None = None) -> int:
        sql, params = "DELETE FROM permits WHERE plate_key = ?", [normalise(plate)]
        if zone:
            sql += " AND zone IS ?"
            params.append(zone)
        with self.db:
            return self.db.execute(sql, params).rowcount

    def permits(self, zone: str | None = None) -> list[Permit]:
        sql, params = "SELECT plate, valid_from, valid_to, zone FROM permits", []
        if zone:
            sql += " WHERE zone = ? OR zone IS NULL"
            params.append(zone)
        return [Permit(*row) for row in self.db.execute(sql + " ORDER BY plate_key, valid_from", params)]

    def import_csv(self, path: Path) -> int:
        """Rows of plate,valid_from,valid_to,zone (header required; empty cells allowed but for plate), in
        one transaction: a bad row or a killed import leaves the database as it was, and importing the
        same file again adds nothing twice."""
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "plate" not in reader.fieldnames:
                raise PermitError(f"{path}: needs a header with at least a 'plate' column (plate,valid_from,valid_to,zone)")
            rows = list(reader)
        with self.db:
            for line, row in enumerate(rows, start=2):
                try:
                    self._insert(row["plate"], row.get("valid_from") or None, row.get("valid_to") or None, row.get("zone") or None)
                except PermitError as err:
                    raise PermitError(f"{path}:{line}: {err}") from None
        return len(rows)

    def check(self, plate: str, at: datetime, zone: str | None = None) -> PermitCheck:
        """Whether `plate` may park at `at` in `zone` (None: any zone)."""
        key = normalise(plate)
        stamp = at.replace(microsecond=0).isoformat()
        same = [Permit(*row) for row in self.db.execute(
            "SELECT plate, valid_from, valid_to, zone FROM permits WHERE plate_key = ?", (key,))]
        reasons = []
        for permit in same:
            if permit.valid_from > stamp:
                reasons.append("not yet valid")
            elif permit.valid_to is not None and permit.valid_to < stamp:
                reasons.append("expired")
            elif zone and permit.zone not in (None, zone):
                reasons.append("other zone")
            else:
                return PermitCheck(True, permit, "permit")
        valid = [p for p in self.permits(zone) if p.valid_from <= stamp and (p.valid_to is None or stamp <= p.valid_to)]
        scored = sorted(((plate_distance(key, p.plate), p) for p in valid if normalise(p.plate) != key), key=lambda x: x[0])
        if scored and scored[0][0] <= SUGGEST_WITHIN:
            distance, suggestion = scored[0]
            return PermitCheck(False, None, reasons[0] if reasons else "no permit", suggestion, round(distance, 2))
        return PermitCheck(False, None, reasons[0] if reasons else "no permit")
