import numpy as np
from PIL import Image

from ocrforge.pipeline.visualize import draw_page, save_visualization
from ocrforge.results import Block, Line, Page, Word


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def page_of(width: int, height: int, *words: Word) -> Page:
    lines = [Line([w], w.box) for w in words]
    return Page("photo.jpg", width, height, [Block(lines, rect(0, 0, width, height))] if lines else [])


def grey(height: int, width: int) -> np.ndarray:
    return np.full((height, width, 3), 128, dtype=np.uint8)


def test_outlines_and_labels_the_word_and_leaves_the_rest_alone():
    image = grey(120, 240)
    out = draw_page(image, page_of(240, 120, Word("HELLO", 0.95, rect(140, 70, 220, 100))))
    assert out.shape == image.shape and out.dtype == np.uint8
    assert (image == 128).all()  # the input is not drawn on
    changed = (out != image).any(axis=2)
    assert changed[70, 140:220].mean() > 0.9 and changed[70:100, 140].mean() > 0.9  # the outline
    r, g, b = (int(v) for v in out[100, 180])
    assert g > r and g > b  # a sure word is drawn green
    assert changed[40:70, 140:220].any()  # the label above the box
    assert not changed[:, :120].any() and not changed[105:, :].any()  # far from the word


def test_colour_follows_confidence():
    def edge_colour(confidence: float) -> tuple[int, ...]:
        out = draw_page(grey(60, 100), page_of(100, 60, Word("", confidence, rect(20, 20, 80, 40))))
        return tuple(int(v) for v in out[40, 50])

    green, orange, red = edge_colour(0.95), edge_colour(0.75), edge_colour(0.2)
    assert green[1] > green[0] and red[0] > red[1] and orange[0] > orange[1] > red[1]
    assert len({green, orange, red}) == 3


def test_label_goes_below_a_box_at_the_top_edge():
    image = grey(100, 200)
    out = draw_page(image, page_of(200, 100, Word("TOP", 0.5, rect(20, 0, 80, 20))))
    changed = (out != image).any(axis=2)
    assert changed[22:40, 20:60].any()
    assert not changed[50:, :].any()


def test_tiny_greyscale_and_empty_pages():
    tiny = grey(20, 20)
    out = draw_page(tiny, page_of(20, 20, Word("tiny words here", 0.3, rect(2, 2, 18, 18))))
    assert out.shape == (20, 20, 3) and (out != tiny).any()

    flat = np.full((30, 40), 200, dtype=np.uint8)  # a single-channel scan
    out = draw_page(flat, page_of(40, 30, Word("a", 0.9, rect(5, 5, 20, 20))))
    assert out.shape == (30, 40, 3) and (out != 200).any()

    photo = np.random.default_rng(0).integers(0, 256, (50, 60, 3), dtype=np.uint8)
    out = draw_page(photo, page_of(60, 50))
    assert out is not photo and np.array_equal(out, photo)


def test_save_visualization_writes_a_png_of_the_same_size(tmp_path):
    image = grey(64, 96)
    page = page_of(96, 64, Word("x", 0.8, rect(10, 30, 40, 50)))
    path = save_visualization(image, page, tmp_path / "vis" / "deep", "scans/receipt.jpg")
    assert path == tmp_path / "vis" / "deep" / "receipt.png"
    with Image.open(path) as saved:
        assert saved.format == "PNG" and saved.size == (96, 64) and saved.mode == "RGB"
        assert np.array_equal(np.asarray(saved), draw_page(image, page))
