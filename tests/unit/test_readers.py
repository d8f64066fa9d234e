"""Each reader on small real files in its format, written here: texts, shapes, pixels, crops, skips."""

from __future__ import annotations

import gzip
import io
import struct
import subprocess
import sys
from pathlib import Path

import lmdb
import numpy as np
import pytest
import scipy.io
from PIL import Image

from ocrforge.data.readers import KINDS, SkippedSampleWarning, open_dataset, open_detection_set, read_idx

RED, GREEN, BLUE, GREY = (255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128)


def _png(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path)


def _canvas(height: int, width: int) -> np.ndarray:
    return np.full((height, width, 3), 255, np.uint8)


def _idx_bytes(array: np.ndarray, type_code: int) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _write(path: Path, data: bytes, gz: bool) -> Path:
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


# ---------------------------------------------------------------- MNIST


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_idx_images_with_labels_beside(tmp_path, gz):
    suffix = ".gz" if gz else ""
    images = np.random.default_rng(0).integers(0, 256, (3, 4, 5), dtype=np.uint8)
    path = _write(tmp_path / f"t10k-images-idx3-ubyte{suffix}", _idx_bytes(images, 0x08), gz)
    _write(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", _idx_bytes(np.array([3, 1, 4], np.uint8), 0x08), gz)
    samples = list(open_dataset(f"mnist:{path}"))
    assert [s.text for s in samples] == ["3", "1", "4"]
    for i, s in enumerate(samples):
        assert s.image.shape == (4, 5, 3) and s.image.dtype == np.uint8
        assert all(np.array_equal(s.image[..., c], images[i]) for c in range(3))
        assert s.source == f"{path}#{i}"


def test_read_idx_keeps_shape_and_type_and_rejects_bad_files(tmp_path):
    values = np.arange(-3, 3, dtype=np.int32).reshape(2, 3)
    read = read_idx(_write(tmp_path / "x.idx", _idx_bytes(values, 0x0C), gz=True))
    assert read.dtype == np.int32 and np.array_equal(read, values)
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(_write(tmp_path / "bad-magic", b"\x00\x01\x08\x01" + bytes(8), gz=False))
    with pytest.raises(ValueError, match="bytes follow"):
        read_idx(_write(tmp_path / "short", _idx_bytes(np.zeros((4, 2), np.uint8), 0x08)[:-1], gz=False))


def test_mnist_without_labels_file_says_what_it_looked_for(tmp_path):
    path = _write(tmp_path / "train-images-idx3-ubyte", _idx_bytes(np.zeros((1, 2, 2), np.uint8), 0x08), gz=False)
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        list(open_dataset(f"mnist:{path}"))


def test_mnist_csv_rows_and_a_bad_row_skipped(tmp_path):
    digits = [np.full(784, 7, np.uint8), np.arange(784) % 256]
    rows = [",".join(map(str, [*digits[0], 5])), "1,2,3", ",".join(map(str, [*digits[1], 0]))]
    path = _write(tmp_path / "mnist_5k.csv.gz", ("\n".join(rows) + "\n").encode(), gz=True)
    with pytest.warns(SkippedSampleWarning, match="#1"):
        samples = list(open_dataset(f"mnist_csv:{path}"))
    assert [s.text for s in samples] == ["5", "0"]
    assert samples[0].image.shape == (28, 28, 3) and (samples[0].image == 7).all()
    assert np.array_equal(samples[1].image[..., 0], digits[1].reshape(28, 28))


# ---------------------------------------------------------------- SVHN


def test_svhn_cropped_mat_with_10_meaning_0(tmp_path):
    colours = [RED, GREEN, BLUE]
    images = np.stack([np.full((32, 32, 3), c, np.uint8) for c in colours], axis=3)  # (32, 32, 3, N)
    path = tmp_path / "test_32x32.mat"
    scipy.io.savemat(path, {"X": images, "y": np.array([[1], [10], [5]], np.uint8)})
    samples = list(open_dataset(f"svhn:{path}"))
    assert [s.text for s in samples] == ["1", "0", "5"]
    for s, colour in zip(samples, colours):
        assert s.image.shape == (32, 32, 3) and (s.image == colour).all()


def test_svhn_full_digit_struct_both_bbox_layouts_and_a_missing_image(tmp_path, write_digit_struct):
    _png(tmp_path / "1.png", np.full((30, 50, 3), RED, np.uint8))
    _png(tmp_path / "2.png", np.full((20, 16, 3), GREEN, np.uint8))
    write_digit_struct(tmp_path / "digitStruct.mat", [
        ("1.png", [(2, 3, 10, 20, 1), (14, 3, 10, 20, 9), (26, 4, 11, 21, 10)]),
        ("gone.png", [(0, 0, 5, 5, 7)]),
        ("2.png", [(1.5, 2, 8, 15, 5)]),
    ])
    with pytest.warns(SkippedSampleWarning, match="gone.png"):
        samples = list(open_dataset(f"svhn_full:{tmp_path / 'digitStruct.mat'}"))
    assert [s.text for s in samples] == ["190", "5"]
    assert samples[0].image.shape == (30, 50, 3) and (samples[0].image == RED).all()
    assert samples[0].boxes == ((2, 3, 10, 20), (14, 3, 10, 20), (26, 4, 11, 21))
    assert samples[1].image.shape == (20, 16, 3) and samples[1].boxes == ((1.5, 2, 8, 15),)


# ---------------------------------------------------------------- SVT


SVT_XML = """<?xml version="1.0" encoding="utf-8"?>
<tagset>
  <image>
    <imageName>img/00_01.png</imageName>
    <address>1 Some Street</address>
    <lex>HELLO,WORLD, FOO</lex>
    <Resolution x="60" y="40"/>
    <taggedRectangles>
      <taggedRectangle height="10" width="20" x="10" y="5"><tag>HELLO</tag></taggedRectangle>
      <taggedRectangle height="20" width="20" x="50" y="30"><tag>WORLD</tag></taggedRectangle>
    </taggedRectangles>
  </image>
  <image>
    <imageName>img/00_02.png</imageName>
    <lex>GONE</lex>
    <taggedRectangles>
      <taggedRectangle height="5" width="5" x="0" y="0"><tag>GONE</tag></taggedRectangle>
    </taggedRectangles>
  </image>
</tagset>
"""


def test_svt_word_crops_clamped_with_lexicon(tmp_path):
    image = _canvas(40, 60)
    image[5:15, 10:30] = RED
    image[30:40, 50:60] = BLUE  # the WORLD box runs 10 px past the right and bottom edges
    _png(tmp_path / "img" / "00_01.png", image)
    (tmp_path / "test.xml").write_text(SVT_XML, encoding="utf-8")
    with pytest.warns(SkippedSampleWarning, match="00_02.png"):
        samples = list(open_dataset(f"svt:{tmp_path / 'test.xml'}"))
    assert [s.text for s in samples] == ["HELLO", "WORLD"]
    assert samples[0].image.shape == (10, 20, 3) and (samples[0].image == RED).all()
    assert samples[1].image.shape == (10, 10, 3) and (samples[1].image == BLUE).all()
    assert samples[0].lexicon == ("HELLO", "WORLD", "FOO")


def test_svt_as_a_detection_set_gives_each_image_its_rectangles(tmp_path):
    _png(tmp_path / "img" / "00_01.png", _canvas(40, 60))
    (tmp_path / "test.xml").write_text(SVT_XML, encoding="utf-8")
    images = list(open_detection_set(f"svt:{tmp_path / 'test.xml'}"))
    assert [i.image_path.name for i in images] == ["00_01.png", "00_02.png"]  # the missing image is named when loaded
    assert images[0].texts == ["HELLO", "WORLD"]
    assert np.array_equal(images[0].quads[0], [[10, 5], [30, 5], [30, 15], [10, 15]])


# ---------------------------------------------------------------- ICDAR


def _rotated_quad(cx: float, cy: float, w: float, h: float, degrees: float) -> np.ndarray:
    """Corners clockwise from top-left, as ICDAR 2015 lists them."""
    t = np.deg2rad(degrees)
    rotation = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    return corners @ rotation.T + [cx, cy]


def test_icdar2015_quads_warped_upright_dont_care_skipped(tmp_path):
    import cv2

    image = _canvas(80, 100)
    image[10:30, 10:50] = GREEN
    quad = _rotated_quad(65, 55, 30, 12, 20)
    cv2.fillPoly(image, [np.round(quad).astype(np.int32)], BLUE)
    _png(tmp_path / "img_1.png", image)
    lines = [
        "10,10,50,10,50,30,10,30,Hi, there",
        ",".join(str(int(round(v))) for v in quad.reshape(-1)) + ",ROT",
        "0,0,5,0,5,5,0,5,###",
    ]
    (tmp_path / "gt_img_1.txt").write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    samples = list(open_dataset(f"icdar:{tmp_path}"))
    assert [s.text for s in samples] == ["Hi, there", "ROT"]
    assert np.array_equal(samples[0].image, image[10:30, 10:50])
    rotated = samples[1].image
    assert abs(rotated.shape[0] - 12) <= 1 and abs(rotated.shape[1] - 30) <= 1  # corners rounded to whole pixels
    assert (rotated[3:-3, 3:-3] == BLUE).all()  # upright now: its whole inside is the word's colour


def test_icdar2013_boxes_space_or_comma_separated_and_missing_image_skipped(tmp_path):
    image = _canvas(60, 80)
    image[20:40, 10:50] = RED
    image[5:10, 60:75] = GREY
    _png(tmp_path / "100.png", image)
    gt = '10 20 49 39 "Tiredness"\n60, 5, 74, 9, "A \\"b\\""\n0 0 3 3 "###"\n'
    (tmp_path / "gt_100.txt").write_text(gt, encoding="utf-8")
    (tmp_path / "gt_101.txt").write_text('0 0 3 3 "lost"\n', encoding="utf-8")
    with pytest.warns(SkippedSampleWarning, match="gt_101.txt"):
        samples = list(open_dataset(f"icdar:{tmp_path}"))
    assert [s.text for s in samples] == ["Tiredness", 'A "b"']
    assert np.array_equal(samples[0].image, image[20:40, 10:50])  # xmax, ymax are inside the box
    assert samples[1].image.shape == (5, 15, 3) and (samples[1].image == GREY).all()


def test_icdar_as_a_detection_set_keeps_dont_care_regions_apart(tmp_path):
    _png(tmp_path / "img_1.png", _canvas(80, 100))
    _png(tmp_path / "100.png", _canvas(60, 80))
    (tmp_path / "gt_img_1.txt").write_text("\ufeff10,10,50,10,50,30,10,30,Hi, there\r\n0,0,5,0,5,5,0,5,###\r\n", encoding="utf-8")
    (tmp_path / "gt_100.txt").write_text('10 20 49 39 "Tiredness"\n', encoding="utf-8")
    first, second = open_detection_set(f"icdar:{tmp_path}")
    assert first.image_path.name == "100.png" and first.texts == ["Tiredness"]
    assert np.array_equal(first.quads[0], [[10, 20], [50, 20], [50, 40], [10, 40]])  # 2013 boxes include xmax, ymax
    assert second.texts == ["Hi, there"] and len(second.quads) == 1
    assert np.array_equal(second.ignore[0], [[0, 0], [5, 0], [5, 5], [0, 5]])


def test_detection_json_words_cut_out_as_crops_illegible_left_out(tmp_path):
    import json

    image = _canvas(60, 100)
    image[10:30, 10:50] = RED
    image[40:50, 60:90] = BLUE
    _png(tmp_path / "scene.png", image)
    words = [
        {"box": [[10, 10], [50, 10], [50, 30], [10, 30]], "text": "Shop"},
        {"box": [[60, 40], [90, 40], [90, 50], [60, 50]], "text": "blur", "illegible": True},
        {"box": [[0, 0], [5, 0], [5, 5], [0, 5]], "text": ""},
    ]
    (tmp_path / "scene.json").write_text(json.dumps({"image": "scene.png", "width": 100, "height": 60, "words": words}))
    samples = list(open_dataset(f"boxes:{tmp_path}"))
    assert [s.text for s in samples] == ["Shop"]
    assert samples[0].image.shape == (20, 40, 3) and (samples[0].image == RED).all()
    assert samples[0].source.endswith("scene.png#0")
    (boxed,) = open_detection_set(f"boxes:{tmp_path}")  # as a detection set the illegible word is don't-care
    assert boxed.texts == ["Shop", ""] and len(boxed.ignore) == 1


def test_icdar_word_recognition_gt_with_quotes_and_a_missing_image(tmp_path):
    _png(tmp_path / "word_1.png", _canvas(20, 40))
    _png(tmp_path / "word_2.png", _canvas(10, 30))
    gt = '\ufeffword_1.png, "Tiredness"\r\nword_2.png, "say \\"hi\\", now"\r\nword_3.png, "lost"\r\nbad line\r\n'
    (tmp_path / "Challenge2_Test_Task3_GT.txt").write_text(gt, encoding="utf-8")
    with pytest.warns(SkippedSampleWarning) as warned:
        samples = list(open_dataset(f"icdar_words:{tmp_path}"))
    assert [s.text for s in samples] == ["Tiredness", 'say "hi", now']
    assert samples[1].image.shape == (10, 30, 3)
    assert {str(w.message).split(":")[-1].strip() for w in warned} >= {'expected `image, "text"`'}


def test_iiit5k_mat_with_its_lexicons(tmp_path):
    (tmp_path / "test").mkdir()
    _png(tmp_path / "test" / "1_1.png", _canvas(20, 40))
    _png(tmp_path / "test" / "2_1.png", _canvas(20, 50))

    def cell(words):
        out = np.empty((1, len(words)), dtype=object)
        for i, w in enumerate(words):
            out[0, i] = np.array([w])
        return out

    fields = [("ImgName", "O"), ("GroundTruth", "O"), ("smallLexi", "O"), ("mediumLexi", "O")]
    rows = np.array([(np.array(["test/1_1.png"]), np.array(["PRIVATE"]), cell(["PRIVATE", "A"]), cell(["PRIVATE", "B", "C"])),
                     (np.array(["test/2_1.png"]), np.array(["12"]), cell(["12"]), cell(["12", "21"]))], dtype=fields)
    scipy.io.savemat(tmp_path / "testdata.mat", {"testdata": rows.reshape(1, -1)})
    samples = list(open_dataset(f"iiit5k:{tmp_path / 'testdata.mat'}"))
    assert [s.text for s in samples] == ["PRIVATE", "12"]
    assert samples[0].lexicon == ("PRIVATE", "B", "C") and samples[1].image.shape == (20, 50, 3)


# ---------------------------------------------------------------- LMDB, folder


def _png_bytes(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def test_lmdb_benchmark_layout(tmp_path):
    words = [("café", RED, 20), ("STOP", GREEN, 30), ("42", BLUE, 12)]
    env = lmdb.open(str(tmp_path / "set"), map_size=1 << 22)
    with env.begin(write=True) as txn:
        txn.put(b"num-samples", b"3")
        for i, (text, colour, width) in enumerate(words, start=1):
            txn.put(b"image-%09d" % i, _png_bytes(np.full((10, width, 3), colour, np.uint8)))
            txn.put(b"label-%09d" % i, text.encode("utf-8"))
    env.close()
    samples = list(open_dataset(f"lmdb:{tmp_path / 'set'}"))
    assert [s.text for s in samples] == ["café", "STOP", "42"]
    for s, (_, colour, width) in zip(samples, words):
        assert s.image.shape == (10, width, 3) and (s.image == colour).all()


def test_folder_labels_tsv_corrupt_and_missing_images_skipped(tmp_path):
    _png(tmp_path / "a.png", np.full((8, 12, 3), RED, np.uint8))
    _png(tmp_path / "sub" / "b.png", np.full((9, 5, 3), BLUE, np.uint8))
    (tmp_path / "broken.png").write_bytes(b"not a png at all")
    labels = "a.png\tone\\ttab\n\nbroken.png\tx\nmissing.png\ty\nsub/b.png\ttwo\\nlines \\\\ end\n"
    (tmp_path / "labels.tsv").write_text(labels, encoding="utf-8")
    for spec in (f"folder:{tmp_path}", f"folder:{tmp_path / 'labels.tsv'}"):
        with pytest.warns(SkippedSampleWarning) as caught:
            samples = list(open_dataset(spec))
        assert [s.text for s in samples] == ["one\ttab", "two\nlines \\ end"]
        assert samples[1].image.shape == (9, 5, 3) and (samples[1].image == BLUE).all()
        assert sorted(str(w.message).split(":")[0] for w in caught) == [
            f"skipped {tmp_path / 'broken.png'}", f"skipped {tmp_path / 'missing.png'}"]
    assert len(list(open_dataset(f"folder:{tmp_path}", limit=1))) == 1


# ---------------------------------------------------------------- open_dataset


def test_open_dataset_rejects_bad_specs_naming_the_known_kinds(tmp_path):
    with pytest.raises(ValueError, match="unknown kind 'mnsit'") as err:
        open_dataset(f"mnsit:{tmp_path}")
    assert all(kind in str(err.value) for kind in KINDS)
    with pytest.raises(ValueError, match="expected KIND:PATH"):
        open_dataset(str(tmp_path / "no-kind"))
    with pytest.raises(ValueError, match="unknown kind 'folder'; known: boxes, icdar, svt"):
        open_detection_set(f"folder:{tmp_path}")
    with pytest.raises(FileNotFoundError, match="'svt:/no/such/test.xml'") as err:
        open_dataset("svt:/no/such/test.xml")
    assert all(kind in str(err.value) for kind in KINDS)


def test_readers_import_without_the_optional_packages():
    code = (
        "import sys\n"
        "sys.modules.update(dict.fromkeys(['scipy', 'scipy.io', 'h5py', 'lmdb']))\n"  # None: import fails
        "from pathlib import Path\n"
        "from ocrforge.data.readers import KINDS\n"
        "try:\n"
        "    next(KINDS['lmdb'](Path('.')))\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'ocrforge[data]'" in result.stdout
