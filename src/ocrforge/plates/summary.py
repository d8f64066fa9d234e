"""What an inspector reads at the end of a round: the plates of a batch of photos and videos sorted into
permitted, not permitted and unsure (a near miss of a valid permit, to confirm by eye), with the files
where no plate was found or that could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN = 8  # plates listed per line of the summary; the rest are counted


@dataclass
class PlateTally:
    permits: bool  # whether the plates were checked against a permit list
    files: int = 0
    groups: dict[str, list[str]] = field(default_factory=lambda: {
        "permitted": [], "not permitted": [], "unsure": [], "read": [], "no plate found": [], "unreadable": []})

    def plate(self, record: dict) -> None:
        """One printed record of `ocrforge plate` (a photo's plate or a video's vehicle)."""
        text = record["plate"]
        if not self.permits:
            self.groups["read"].append(text)
        elif record.get("permitted"):
            zone = (record.get("permit") or {}).get("zone")
            self.groups["permitted"].append(f"{text} (zone {zone})" if zone else text)
        elif "suggestion" in record:
            self.groups["unsure"].append(f"{text}: permit {record['suggestion']['plate']}?")
        else:
            self.groups["not permitted"].append(f"{text} ({record.get('reason', 'no permit')})")

    def nothing_in(self, path: str) -> None:
        self.groups["no plate found"].append(path)

    def unreadable(self, path: str) -> None:
        self.groups["unreadable"].append(path)

    def lines(self) -> list[str]:
        plates = sum(len(self.groups[g]) for g in ("permitted", "not permitted", "unsure", "read"))
        out = [f"{self.files} file{'s' if self.files != 1 else ''}, {plates} plate{'s' if plates != 1 else ''}"]
        width = max(map(len, self.groups))
        for group, items in self.groups.items():
            if items:
                more = f" ... and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
                out.append(f"  {group:<{width}} {len(items):4d}  {', '.join(items[:SHOWN])}{more}")
        return out
