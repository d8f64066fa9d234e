"""`ocrforge plate` and the shipped plate recognizer, on plates the tests render from faces it never saw."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ocrforge.data.synth.plates import STYLES, Plate, car_photo, draw_plate, plate_faces, plate_photo
from ocrforge.detect.boxes import BoxParams
from ocrforge.plates.matching import normalise
from ocrforge.plates.reader import PLATE_MIN_SIDE, PlateReader
from ocrforge.runtime.detector import Detection

SEED = 78  # never a training seed (those are >= 100)
# The aim is 95% on held-out plate photos, not met yet (the shipped models measure 91% on
# these crops, 80% on these car photos): the suite guards against regressions with floors the shipped
# models clear with room, so a real regression fails and noise does not. Raise them as the models improve.
MIN_CROP_ACCURACY = 0.82
MIN_CAR_ACCURACY = 0.65


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return PlateReader()


@pytest.fixture(scope="module")
def faces():
    return plate_faces("holdout")


@pytest.mark.slow
def test_shipped_plate_reader_reads_plate_photos_it_never_saw(reader, faces):
    photos = [plate_photo(np.random.default_rng([SEED, i]), faces) for i in range(150)]
    right = [bool(p := reader.read(photo.image)) and normalise(p[0].text) == normalise(photo.text) for photo in photos]
    assert np.mean(right) >= MIN_CROP_ACCURACY, f"{np.mean(right):.3f}"


@pytest.mark.slow
def test_plates_are_found_on_whole_car_photos(reader, faces):
    photos = [car_photo(np.random.default_rng([SEED + 1, i]), faces) for i in range(30)]
    right = []
    for photo in photos:
        plates = reader.read(photo.image)
        right.append(bool(plates) and normalise(plates[0].text) == normalise(photo.text))
        if right[-1]:  # the box is on the plate
            assert cv2.pointPolygonTest(photo.corners.astype(np.float32), tuple(map(float, plates[0].box.mean(axis=0))), False) >= 0
    assert np.mean(right) >= MIN_CAR_ACCURACY, f"{np.mean(right):.3f}"


def test_tiny_crops_are_looked_at_on_a_canvas_and_their_boxes_land_on_the_plate(reader, faces):
    photos = [p for p in (plate_photo(np.random.default_rng([SEED, i]), faces) for i in range(150))
              if max(p.image.shape[:2]) < PLATE_MIN_SIDE / 2]
    assert len(photos) >= 5
    found = 0
    for photo in photos:
        detections = reader.detector.detect(photo.image, 1280, min_side=PLATE_MIN_SIDE)
        h, w = photo.image.shape[:2]
        for d in detections:
            assert (d.quad >= 0).all() and (d.quad <= [w - 1, h - 1]).all()  # back in the crop's own pixels
        rows = [q.astype(np.float32) for _, q in photo.rows]
        found += any(cv2.pointPolygonTest(row, tuple(map(float, d.quad.mean(axis=0))), False) >= 0
                     for d in detections for row in rows)
    assert found >= 0.8 * len(photos), f"{found} of {len(photos)}"


@pytest.mark.slow
def test_a_plate_filling_a_large_photo_is_looked_at_smaller(reader, faces, monkeypatch):
    # Crops enlarged to 400 px high put the characters far above the 7-70 px the detector learned
    # from: it cuts them short or finds nothing, unless it looks again at a smaller scale.
    photos = [plate_photo(np.random.default_rng([SEED, i]), faces) for i in range(40)]
    large = [(cv2.resize(p.image, None, fx=400 / p.image.shape[0], fy=400 / p.image.shape[0],
                         interpolation=cv2.INTER_CUBIC), p.text) for p in photos]

    def accuracy() -> float:
        return float(np.mean([bool(p := reader.read(image)) and normalise(p[0].text) == normalise(text) for image, text in large]))

    smaller = accuracy()
    monkeypatch.setattr("ocrforge.runtime.detector.LARGE_TEXT_PX", float("inf"))  # no second, smaller look
    monkeypatch.setattr("ocrforge.runtime.detector.MIN_LOOK_SIDE", float("inf"))
    as_is = accuracy()
    print(f"{smaller:.3f} looked at smaller, {as_is:.3f} as is")  # measured 0.275 against 0.100
    assert smaller >= as_is + 0.1 and smaller >= 0.25


@pytest.mark.slow
def test_a_distant_plate_is_looked_at_closer(reader, faces, monkeypatch):
    # Car photos at 0.4x put the plate's rows 5-12 px high: the detector's box, drawn on its 4-pixel
    # grid, loses characters at the ends unless the row is detected again in an enlarged window.
    photos = [car_photo(np.random.default_rng([SEED + 2, i]), faces) for i in range(40)]
    distant = [(cv2.resize(p.image, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA), p.text) for p in photos]

    def accuracy() -> float:
        return float(np.mean([bool(p := reader.read(image)) and normalise(p[0].text) == normalise(text) for image, text in distant]))

    closer = accuracy()
    monkeypatch.setattr("ocrforge.plates.reader.ZOOM_BELOW_PX", 0)  # no closer look
    as_is = accuracy()
    print(f"{closer:.3f} looked at closer, {as_is:.3f} as is")  # measured 0.600 against 0.375
    assert closer >= as_is + 0.1 and closer >= 0.45


FRAME = 30  # pixels of car around a face-on plate


def _plate(text: str, style: str = "uk") -> Plate:
    chosen = next(s for s in STYLES if s.name == style)
    face = next(f for f in plate_faces("holdout") if "ClearSans-Bold" in f.path)
    return draw_plate(np.random.default_rng(0), chosen, face, text, height=110)


def _face_on(text: str, style: str = "uk") -> Image.Image:
    plate = _plate(text, style)
    framed = np.full((plate.image.shape[0] + 2 * FRAME, plate.image.shape[1] + 2 * FRAME, 3), 90, np.uint8)
    framed[FRAME:-FRAME, FRAME:-FRAME] = plate.image
    return Image.fromarray(framed)


class _FixedBoxes:
    """A detector that finds the given boxes (image pixels) whatever the image."""

    def __init__(self, *quads: np.ndarray) -> None:
        self.quads = quads

    def detect(self, image: np.ndarray, max_side: int, params: BoxParams = BoxParams(), min_side: int = 0,
               enlarge_sparse: bool = True) -> list[Detection]:
        return [Detection(q.astype(np.float32), 0.9) for q in self.quads]


def _row_cut(plate: Plate) -> _FixedBoxes:
    """A plate's row cut into two overlapping pieces, as DBNet's grown boxes sometimes do: the first
    group and the start of the second, then the second group."""
    (_, first), (_, second) = plate.groups
    reach = first.copy()
    reach[[1, 2], 0] += 0.3 * (second[1, 0] - second[0, 0]) + (second[0, 0] - first[1, 0])
    return _FixedBoxes(reach + FRAME, second + FRAME)


def test_a_row_cut_into_overlapping_pieces_is_read_once_whole(reader):
    plate = _plate("AB12 CDE")
    cut = PlateReader(detector=reader.detector)
    cut.detector = _row_cut(plate)
    plates = cut.read(np.asarray(_face_on("AB12 CDE")))
    assert plates and plates[0].text == "AB12 CDE"  # not "AB12 C CDE"


def test_cli_prints_one_record_per_plate_with_its_permit(tmp_path):
    _face_on("AB12 CDE").save(tmp_path / "permitted.png")
    _face_on("KX70 PLR").save(tmp_path / "near.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    db = tmp_path / "permits.db"
    assert _cli("permits", "add", "AB12-CDE", "--from", "2026-01-01", "--to", "2026-12-31", "--zone", "A", "--db", str(db)).returncode == 0
    assert _cli("permits", "add", "KX70 PLB", "--from", "2026-01-01", "--db", str(db)).returncode == 0  # B vs R: not a look-alike
    assert _cli("permits", "add", "KX70 PIR", "--from", "2026-01-01", "--db", str(db)).returncode == 0  # I vs L: a look-alike

    result = _cli("plate", str(tmp_path / "permitted.png"), str(tmp_path / "broken.jpg"), str(tmp_path / "near.png"),
                  "--permits", str(db), "--at", "2026-06-01T10:00", "--zone", "A", "--best")
    assert result.returncode == 1 and "broken.jpg" in result.stderr  # named, and the batch went on
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["path"]).name for r in records] == ["permitted.png", "near.png"]
    first, near = records
    assert set(first) >= {"path", "plate", "confidence", "box", "permitted", "permit"}
    assert first["plate"] == "AB12 CDE" and first["permitted"] is True and first["permit"]["zone"] == "A"
    assert near["plate"] == "KX70 PLR" and near["permitted"] is False and near["permit"] is None
    assert near["suggestion"]["plate"] == "KX70 PIR" and near["suggestion"]["distance"] == pytest.approx(0.3)
    # The round ends with a summary for the inspector, on stderr: stdout stays one JSON record per line.
    summary = result.stderr[result.stderr.index("ocrforge plate: 3 files, 2 plates"):].splitlines()
    assert summary[1].split() == ["permitted", "1", "AB12", "CDE", "(zone", "A)"]
    assert summary[2].split() == ["unsure", "1", "KX70", "PLR:", "permit", "KX70", "PIR?"]
    assert summary[3].split()[:2] == ["unreadable", "1"] and summary[3].endswith("broken.jpg")

    elsewhere = _cli("plate", str(tmp_path / "permitted.png"), "--permits", str(db), "--at", "2026-06-01", "--zone", "B", "--best")
    assert json.loads(elsewhere.stdout)["reason"] == "other zone"


@pytest.mark.slow
def test_a_video_gives_one_record_per_vehicle_with_times(tmp_path):
    path = tmp_path / "gate.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (960, 360))
    for text, seconds in (("AB12 CDE", 3.0), ("", 1.0), ("KX70 PLR", 2.0)):
        plate = np.asarray(_face_on(text)) if text else None
        for frame_index in range(int(seconds * 10)):
            frame = np.full((360, 960, 3), 70, np.uint8)
            if plate is not None:  # the car rolls past: the plate moves a little every frame
                x = 40 + 4 * frame_index
                frame[120:120 + plate.shape[0], x:x + plate.shape[1]] = plate
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    result = _cli("plate", str(path))
    assert result.returncode == 0, result.stderr
    vehicles = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["plate"] for v in vehicles] == ["AB12 CDE", "KX70 PLR"]
    assert vehicles[0]["first_seen"] == 0.0 and 2.5 <= vehicles[0]["last_seen"] < 3.0
    assert 4.0 <= vehicles[1]["first_seen"] <= 4.3 and vehicles[1]["readings"] >= 6


def test_a_box_around_both_rows_of_a_two_row_plate_is_read_as_two_rows(reader):
    plate = _plate("AB12/CDE", "two-row")
    (_, top), (_, bottom) = plate.rows
    both = PlateReader(detector=reader.detector)
    both.detector = _FixedBoxes(np.stack([top[0], top[1], bottom[2], bottom[3]]) + FRAME)
    plates = both.read(np.asarray(_face_on("AB12/CDE", "two-row")))
    assert plates and plates[0].text == "AB12 CDE"


def test_a_plate_too_faint_for_the_detector_is_looked_for_again_with_more_contrast(reader, monkeypatch):
    monkeypatch.setattr("ocrforge.runtime.detector.MIN_LOOK_SIDE", float("inf"))  # its smaller second look finds this one
    night = (np.asarray(_face_on("AB12 CDE")).astype(np.float32) * 0.02 + 8).astype(np.uint8)
    assert not reader.detector.detect(night, 1280, min_side=PLATE_MIN_SIDE)  # as faint as the detector misses
    plates = reader.read(night)
    assert plates and normalise(plates[0].text) == "AB12CDE"
