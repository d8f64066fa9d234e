"""`ocrforge plate`: read licence plates in crops, photos and videos, and check them against permits."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from ocrforge.commands.common import add_max_side, fail
from ocrforge.io.images import IMAGE_SUFFIXES, ImageError, load_image
from ocrforge.io.video import VIDEO_SUFFIXES, sample_frames
from ocrforge.plates.formats import REGION_NAMES, REGIONS

if TYPE_CHECKING:
    from ocrforge.plates.reader import PlateReader

FRAME_RATE = 4.0  # video frames read per second, and the rate a folder of frames is taken to have


def _check(store, plate_text: str, at: datetime, zone: str | None) -> dict:
    if store is None:
        return {"permitted": None, "permit": None}
    return store.check(plate_text, at, zone).to_dict()


def _frames(path: Path, fps: float) -> Iterator[tuple[float, object]]:
    """(time, frame) of a video file, or of a folder of frame images taken at `fps`."""
    if path.is_dir():
        images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        for index, image in enumerate(images):
            yield index / fps, load_image(image)
    else:
        for frame in sample_frames(path, every=1.0 / fps, checks_per_second=fps):
            yield frame.time, frame.image


def _is_footage(path: Path) -> bool:
    """A video file or a folder of its frames, as opposed to a single photo."""
    return path.is_dir() or path.suffix.lower() in VIDEO_SUFFIXES


def _read_file(reader: PlateReader, path: Path, args: argparse.Namespace) -> tuple[list, list]:
    """(plates, vehicles) of one file: a photo's plates, or the tracked vehicles of footage."""
    from ocrforge.plates.tracking import track

    if _is_footage(path):
        return [], track((time, reader.read(frame, max_side=args.max_side, region=args.region)) for time, frame in _frames(path, args.fps))
    return reader.read(path, max_side=args.max_side, region=args.region), []


def run(args: argparse.Namespace) -> int:
    from ocrforge.plates.permits import PermitError, PermitStore, parse_time
    from ocrforge.plates.reader import PlateReader
    from ocrforge.plates.summary import PlateTally

    if not args.paths:
        return fail("plate", "give plate crops, photos, videos or folders of video frames")
    try:
        at = parse_time(args.at) if args.at else datetime.now()
        store = PermitStore(args.permits) if args.permits else None
        # Single-threaded sessions, read from `workers` threads at once: a small plate image keeps
        # one core busy, but gains little from two.
        reader = PlateReader(args.detector, args.recognizer, threads=1)
    except (PermitError, FileNotFoundError) as err:
        return fail("plate", err)
    failed, tally = 0, PlateTally(permits=store is not None)

    def emit(record: dict) -> None:
        print(json.dumps(record), flush=True)
        tally.plate(record)

    with ThreadPoolExecutor(max(1, args.workers)) as pool:
        futures = [pool.submit(_read_file, reader, path, args) for path in args.paths]
        for path, future in tqdm(zip(args.paths, futures), total=len(futures), desc="plate", unit="file",
                                 disable=None if len(args.paths) > 1 else True):
            tally.files += 1
            try:
                plates, vehicles = future.result()
            except ImageError as err:
                print(f"ocrforge plate: {err}", file=sys.stderr)
                tally.unreadable(str(path))
                failed += 1
                continue
            # Permits are checked here, on the main thread: the SQLite store is not shared across threads.
            for vehicle in vehicles:
                plate = vehicle.vote
                emit({"path": str(path), **plate.to_dict(), "first_seen": round(vehicle.first_seen, 2),
                      "last_seen": round(vehicle.last_seen, 2), "readings": len(vehicle.readings),
                      **_check(store, plate.text, at, args.zone)})
            if not plates and not vehicles:
                if not _is_footage(path):
                    print(f"ocrforge plate: {path}: no plate found", file=sys.stderr)
                tally.nothing_in(str(path))
            for plate in plates[: 1 if args.best else None]:
                emit({"path": str(path), **plate.to_dict(), **_check(store, plate.text, at, args.zone)})
    if store is not None:
        store.close()
    if len(args.paths) > 1 or store is not None or any(map(_is_footage, args.paths)):
        # The round's summary, for a person: on stderr, so stdout stays one JSON record per line.
        print("\n".join(["ocrforge plate: " + line for line in tally.lines()[:1]] + tally.lines()[1:]), file=sys.stderr)
    return 1 if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    plate = sub.add_parser("plate", help="read licence plates in crops, photos and videos; check them against permits")
    plate.add_argument("paths", nargs="*", type=Path, help="plate crops, street or car photos, videos, folders of video frames")
    plate.add_argument("--permits", type=Path, help="permit database (`ocrforge permits`): adds permitted/permit to each record")
    plate.add_argument("--at", help="check permits at this time (ISO 8601, default now)")
    plate.add_argument("--zone", help="check permits for this zone (default: any zone)")
    plate.add_argument("--best", action="store_true", help="images: only the most plate-like reading")
    plate.add_argument("--fps", type=float, default=FRAME_RATE, help="frames read per second of video (and a frame folder's rate)")
    plate.add_argument("--recognizer", type=Path, help="ONNX plate recognizer (default: the shipped one)")
    plate.add_argument("--detector", type=Path, help="ONNX plate detector (default: the shipped one)")
    add_max_side(plate)
    plate.add_argument("--region", choices=REGION_NAMES, default="auto",
                       help="whose plate formats an unsure reading is fitted to: auto (every region's, the default), "
                            f"{', '.join(REGIONS)}, or none (as read)")
    plate.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="files read at the same time (default: one per core)")
    plate.set_defaults(run=run)
