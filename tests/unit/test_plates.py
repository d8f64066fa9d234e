"""Plate matching, permits across time and zones, tracking across frames, and the synthetic plates."""

from __future__ import annotations

from datetime import datetime

import cv2
import numpy as np
import pytest

from ocrforge.data.synth.plate_scenes import PlateCut, plate_scene
from ocrforge.data.synth.plates import BLACK, STYLES, draw_plate, plate_crop, plate_detection_sample, plate_faces, plate_photo
from ocrforge.plates.matching import normalise, plate_distance
from ocrforge.plates.permits import PermitError, PermitStore
from ocrforge.plates.reader import PlateRead
from ocrforge.plates.tracking import track


def test_separators_and_case_never_matter_and_look_alikes_cost_less():
    assert normalise("b-mw 1234") == "BMW1234"
    assert plate_distance("AB12 CDE", "ab12-cde") == 0
    assert plate_distance("AB12 CDE", "A812 CDE") == pytest.approx(0.3)  # B/8
    assert plate_distance("AB12 CDE", "AB12 COE") == pytest.approx(0.3)  # D/O
    assert plate_distance("AB12 CDE", "AB12 CXE") == 1.0
    assert plate_distance("AB12 CDE", "AB12 CD") == 1.0


@pytest.fixture
def store(tmp_path):
    permits = PermitStore(tmp_path / "permits.db")
    permits.add("AB12 CDE", "2026-01-01", "2026-06-30", "A")
    permits.add("B-MW 1234", "2026-03-01")  # every zone, open-ended
    yield permits
    permits.close()


def test_a_permit_counts_only_in_its_time_and_zone(store):
    inside = datetime(2026, 3, 15, 9, 0)
    assert store.check("ab12cde", inside, "A").permitted
    assert store.check("AB12 CDE", inside).permitted  # no zone asked: any zone
    assert store.check("AB12 CDE", inside, "B").reason == "other zone"
    assert store.check("AB12 CDE", datetime(2026, 6, 30, 23, 0), "A").permitted  # a bare end date runs to midnight
    assert store.check("AB12 CDE", datetime(2026, 7, 1, 0, 1), "A").reason == "expired"
    assert store.check("BMW1234", datetime(2026, 2, 1), "C").reason == "not yet valid"
    assert store.check("B MW 1234", datetime(2030, 1, 1), "C").permitted


def test_a_near_miss_is_suggested_never_accepted(store):
    check = store.check("A812 C0E", datetime(2026, 3, 15), "A")  # B/8 and D/0 misread
    assert not check.permitted and check.permit is None
    assert check.suggestion.plate == "AB12 CDE" and check.distance == pytest.approx(0.6)
    far = store.check("XY99 ZZZ", datetime(2026, 3, 15), "A")
    assert not far.permitted and far.suggestion is None and far.reason == "no permit"
    expired = store.check("A812 CDE", datetime(2026, 8, 1), "A")
    assert expired.suggestion is None  # only valid permits are suggested


def test_permits_import_remove_and_bad_input(store, tmp_path):
    csv = tmp_path / "permits.csv"
    csv.write_text("plate,valid_from,valid_to,zone\nKY 52314,2026-01-01,,B\nEP73 XRL,2026-01-01,2026-12-31,\n")
    assert store.import_csv(csv) == 2
    assert {p.plate for p in store.permits("B")} == {"KY 52314", "B-MW 1234", "EP73 XRL"}
    assert store.remove("ky-52314") == 1 and store.remove("KY 52314") == 0
    with pytest.raises(PermitError, match="before"):
        store.add("ZZ 1", "2026-05-01", "2026-04-01")
    with pytest.raises(PermitError, match="not a date"):
        store.add("ZZ 1", "yesterday")
    bad = tmp_path / "bad.csv"
    bad.write_text("plate,valid_from\nQQ 1,31/12/2026\n")
    with pytest.raises(PermitError, match="bad.csv:2"):
        store.import_csv(bad)


def _read(text: str, x: float, confidence: float = 0.9) -> PlateRead:
    return PlateRead(text, confidence, np.float32([[x, 100], [x + 120, 100], [x + 120, 130], [x, 130]]))


def test_tracking_follows_a_moving_plate_and_votes_on_its_reading():
    frames = [(0.0, [_read("AB12 CDE", 0)]), (0.25, [_read("A812 CDE", 15, 0.6)]), (0.5, [_read("AB12 CDE", 30)]),
              (0.75, [_read("AB12 CDE", 45), _read("XY34 ZZZ", 400)]), (1.0, [_read("XY34 ZZZ", 390)]),
              (4.0, [_read("AB12 CDE", 50)])]  # back after a long gap: a second visit
    vehicles = track(frames)
    assert [(v.vote.text, v.first_seen, v.last_seen, len(v.readings)) for v in vehicles] == [
        ("AB12 CDE", 0.0, 0.75, 4), ("XY34 ZZZ", 0.75, 1.0, 2), ("AB12 CDE", 4.0, 4.0, 1)]


def test_synthetic_plates_are_deterministic_and_cover_every_style():
    faces = plate_faces("train")
    a, b = plate_photo(np.random.default_rng([3, 1]), faces), plate_photo(np.random.default_rng([3, 1]), faces)
    assert a.text == b.text and np.array_equal(a.image, b.image)
    styles = {STYLES[int(np.random.default_rng([3, i]).integers(len(STYLES)))].name for i in range(200)}
    assert len(styles) == len(STYLES)
    crop, text = plate_crop(3, 0)
    assert crop.ndim == 3 and crop.shape[1] > crop.shape[0] and 2 <= len(normalise(text)) <= 10
    assert not set(f.path for f in plate_faces("holdout")) & set(f.path for f in faces)


def test_plate_detector_samples_box_the_number_rows_and_nothing_else():
    # A seed whose plate has a state caption over its number: the caption must stay background.
    index = next(i for i in range(50) if STYLES[int(np.random.default_rng([3, i]).integers(len(STYLES)))].caption)
    captions = STYLES[int(np.random.default_rng([3, index]).integers(len(STYLES)))].caption
    crop = plate_detection_sample(3, index, kind="crop")
    photo = plate_photo(np.random.default_rng([3, index]), plate_faces("train"))
    assert np.array_equal(crop.image, photo.image) and crop.texts == [t for t, _ in photo.rows]
    assert not set(crop.texts) & set(captions)
    car = plate_detection_sample(3, index, kind="car")
    assert car.image.shape[:2] == (960, 1280) and np.array_equal(plate_detection_sample(3, index, kind="car").image, car.image)
    for sample in (crop, car):
        h, w = sample.image.shape[:2]
        assert 1 <= len(sample.quads) == len(sample.texts) <= 2 and all(normalise(t) for t in sample.texts)
        for quad in sample.quads:  # each row's box lies in the image
            assert (quad >= -1).all() and (quad[:, 0] <= w + 1).all() and (quad[:, 1] <= h + 1).all()


def test_a_plate_laid_into_a_photo_is_boxed_where_its_row_lands_and_its_neighbours_are_not():
    rng = np.random.default_rng(4)
    style = next(s for s in STYLES if s.ink == BLACK and not s.caption and "/" not in s.patterns[0])
    face = next(f for f in plate_faces("train") if "Bold" in f.path)
    plate = draw_plate(rng, style, face, "AB12 CDE", height=100)
    grey = np.full((600, 800, 3), 128, np.uint8)
    scene = plate_scene(rng, grey, PlateCut(plate.image, plate.rows), [np.zeros((30, 90, 3), np.uint8)] * 2)
    assert scene.texts == ["AB12 CDE"] and len(scene.quads) == 1
    h, w = scene.image.shape[:2]
    quad = scene.quads[0]
    assert (quad >= 0).all() and (quad[:, 0] < w).all() and (quad[:, 1] < h).all()
    inside = cv2.fillPoly(np.zeros((h, w), np.uint8), [quad.round().astype(np.int32)], 1).astype(bool)
    shades = scene.image[inside].mean(axis=1)
    assert np.percentile(shades, 5) < 80 and np.percentile(shades, 95) - np.percentile(shades, 5) > 60  # ink on the plate's ground
    # The black neighbours went beside the plate, outside its box: the dark pixels outside it are theirs.
    dark_outside = (scene.image.mean(axis=2) < 60) & ~inside
    assert dark_outside.sum() > 0


@pytest.mark.parametrize("style", ["sk", "de-seals"])
def test_an_emblem_between_two_groups_is_drawn_in_their_gap_and_read_as_a_space(style):
    chosen = next(s for s in STYLES if s.name == style)
    face = next(f for f in plate_faces("train") if "Bold" in f.path)
    text = "RK*019AF" if style == "sk" else "M*AB 1234"
    plate = draw_plate(np.random.default_rng(5), chosen, face, text, height=120)
    assert plate.text == text.replace("*", " ")
    (_, left), (_, right) = plate.groups[:2]
    gap = plate.image[int(left[0, 1]):int(left[3, 1]), int(left[1, 0]) + 2:int(right[0, 0]) - 2].reshape(-1, 3).astype(int)
    ground = np.median(plate.image.reshape(-1, 3), axis=0)  # most of a plate is its ground
    assert len(gap) and (np.abs(gap - ground).sum(axis=1) > 60).mean() > 0.1  # the emblem is there, not bare ground
