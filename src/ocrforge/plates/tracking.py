"""Plates across the frames of a video: follow each vehicle's plate from frame to frame and vote on
its reading, so one vehicle gives one record with when it was first and last seen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Polygon

from ocrforge.plates.matching import normalise, plate_distance
from ocrforge.plates.reader import PlateRead

MAX_GAP_S = 1.5  # a plate unseen this long has left; seen again later, it is another visit
SAME_PLACE_IOU = 0.2  # boxes overlapping this much in consecutive sightings are the same plate
SAME_TEXT = 2.0  # plate_distance within which a moved box still counts as the same plate


@dataclass(eq=False)  # tracks are compared by identity (they hold arrays)
class Vehicle:
    first_seen: float
    last_seen: float
    box: np.ndarray  # where it was last seen
    readings: list[PlateRead] = field(default_factory=list)

    @property
    def vote(self) -> PlateRead:
        """The reading with the most confidence summed over the frames that agree on it (separators
        and case aside); its best-confidence printed form stands for it."""
        totals: dict[str, float] = defaultdict(float)
        for reading in self.readings:
            totals[normalise(reading.text)] += reading.confidence
        winner = max(totals, key=totals.get)
        agreeing = [r for r in self.readings if normalise(r.text) == winner]
        best = max(agreeing, key=lambda r: r.confidence)
        return PlateRead(best.text, totals[winner] / len(self.readings), best.box, best.score)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    pa, pb = Polygon(a), Polygon(b)
    if not pa.is_valid or not pb.is_valid:
        return 0.0
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union > 0 else 0.0


def _same_vehicle(plate: PlateRead, vehicle: Vehicle, voted: str) -> bool:
    """Close readings are the same plate wherever it moved; in the same place, a partial or poor
    reading still is, but a clearly different plate (the next car at a gate) is not."""
    distance = plate_distance(plate.text, voted)
    if distance <= SAME_TEXT:
        return True
    longer = max(len(normalise(plate.text)), len(normalise(voted)))
    return _iou(plate.box, vehicle.box) >= SAME_PLACE_IOU and distance <= 0.5 * longer


def track(frames: Iterable[tuple[float, list[PlateRead]]], max_gap: float = MAX_GAP_S) -> list[Vehicle]:
    """Vehicles from (time, plates read in that frame) in time order, in order of first sighting."""
    open_tracks: list[Vehicle] = []
    closed: list[Vehicle] = []
    for time, plates in frames:
        for vehicle in [v for v in open_tracks if time - v.last_seen > max_gap]:
            open_tracks.remove(vehicle)
            closed.append(vehicle)
        claimed: set[int] = set()
        # Each track's reading, voted once per frame (a track takes at most one plate per frame).
        voted = [vehicle.vote.text for vehicle in open_tracks]
        for plate in plates:
            def affinity(index: int) -> float:
                close = plate_distance(plate.text, voted[index]) <= SAME_TEXT
                return _iou(plate.box, open_tracks[index].box) + (1.0 if close else 0.0)

            candidates = [i for i in range(len(voted)) if i not in claimed]
            best = max(candidates, key=affinity, default=None)
            if best is not None and _same_vehicle(plate, open_tracks[best], voted[best]):
                vehicle = open_tracks[best]
                vehicle.last_seen, vehicle.box = time, plate.box
                vehicle.readings.append(plate)
                claimed.add(best)
            else:
                open_tracks.append(Vehicle(time, time, plate.box, [plate]))
                claimed.add(len(open_tracks) - 1)
    return sorted(closed + open_tracks, key=lambda v: v.first_seen)
