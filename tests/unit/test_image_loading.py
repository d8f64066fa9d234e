"""Every kind of awkward input either loads correctly or fails with a message naming it."""

import io

import numpy as np
import pytest
from PIL import Image

from ocrforge.io.images import ImageError, load_image
from ocrforge.io.limits import max_pixels


def _word_image() -> Image.Image:
    array = np.full((30, 80), 255, np.uint8)
    array[10:20, 10:70] = 0
    return Image.fromarray(array)


def _png_bytes(image: Image.Image, **kwargs) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=kwargs.pop("format", "PNG"), **kwargs)
    return buf.getvalue()


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ImageError, match="nope.png: no such file"):
        load_image(tmp_path / "nope.png")


def test_text_file_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("hello")
    with pytest.raises(ImageError, match="notes.png: not an image"):
        load_image(path)


def test_truncated_file(tmp_path):
    path = tmp_path / "cut.png"
    path.write_bytes(_png_bytes(_word_image())[:60])
    with pytest.raises(ImageError, match="cut.png"):
        load_image(path)


def test_empty_array_and_folder(tmp_path):
    with pytest.raises(ImageError, match="empty image"):
        load_image(np.zeros((0, 10), np.uint8))
    with pytest.raises(ImageError, match="is a folder"):
        load_image(tmp_path)


def test_huge_image_is_refused_before_decoding(tmp_path, monkeypatch):
    assert max_pixels() >= 50_000_000  # the default leaves room for large scans
    monkeypatch.setenv("OCRFORGE_MAX_PIXELS", "1000")
    with pytest.raises(ImageError, match="larger than 1,000 pixels"):
        load_image(_png_bytes(_word_image()))
    monkeypatch.setenv("OCRFORGE_MAX_PIXELS", "a lot")
    with pytest.raises(ValueError, match="OCRFORGE_MAX_PIXELS='a lot': give a whole number"):
        max_pixels()


def test_documents_past_the_page_limit_say_which_pages_were_left(tmp_path, monkeypatch):
    from fpdf import FPDF

    from ocrforge.io.images import load_pages
    from ocrforge.io.pdf import read_pdf

    pages = [_word_image() for _ in range(4)]
    pages[0].save(tmp_path / "scan.tiff", save_all=True, append_images=pages[1:])
    pdf = FPDF()
    for _ in range(4):
        pdf.add_page()
    pdf.output(str(tmp_path / "scan.pdf"))
    monkeypatch.setenv("OCRFORGE_MAX_PAGES", "3")
    for read in (lambda: list(load_pages(tmp_path / "scan.tiff")), lambda: list(read_pdf(tmp_path / "scan.pdf", dpi=20))):
        with pytest.raises(ImageError, match="4 pages, more than 3 .*pages 4-4 not read"):
            read()
    got = []
    with pytest.raises(ImageError):
        for page in load_pages(tmp_path / "scan.tiff"):
            got.append(page)
    assert len(got) == 3  # the pages within the limit are still read


def test_videos_keep_at_most_the_frame_limit(tmp_path, monkeypatch):
    import cv2

    from ocrforge.io.video import sample_frames

    writer = cv2.VideoWriter(str(tmp_path / "clip.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 48))
    for i in range(40):
        writer.write(np.full((48, 64, 3), (i * 37) % 256, np.uint8))  # a new scene every frame
    writer.release()
    assert len(list(sample_frames(tmp_path / "clip.mp4", every=0.1, checks_per_second=10))) > 5
    monkeypatch.setenv("OCRFORGE_MAX_FRAMES", "5")
    assert len(list(sample_frames(tmp_path / "clip.mp4", every=0.1, checks_per_second=10))) == 5


def test_sixteen_bit_grayscale_is_scaled_to_eight_bits():
    array = (np.asarray(_word_image(), dtype=np.uint16) * 257).astype(np.uint16)
    image = Image.fromarray(array)
    rgb = load_image(_png_bytes(image))
    assert rgb.dtype == np.uint8 and rgb.shape == (30, 80, 3)
    assert rgb[15, 40, 0] < 10 and rgb[2, 2, 0] > 245


def test_cmyk_palette_and_alpha_become_rgb():
    word = _word_image()
    cmyk = load_image(_png_bytes(word.convert("CMYK"), format="JPEG"))
    palette = load_image(_png_bytes(word.convert("P")))
    # Text drawn only in the alpha channel, over a transparent ground: shown over white.
    rgba = Image.new("RGBA", word.size, (0, 0, 0, 0))
    rgba.putalpha(Image.eval(word, lambda v: 255 - v))
    alpha = load_image(_png_bytes(rgba))
    for rgb in (cmyk, palette, alpha):
        assert rgb.shape == (30, 80, 3)
        assert rgb[15, 40].mean() < 60 and rgb[2, 2].mean() > 200


def test_animated_gif_gives_first_frame():
    first, second = _word_image(), Image.new("L", (80, 30), 0)
    buf = io.BytesIO()
    first.save(buf, format="GIF", save_all=True, append_images=[second], duration=100)
    rgb = load_image(buf.getvalue())
    assert rgb[2, 2].mean() > 200  # the white first frame, not the black second


def test_exif_orientation_is_applied():
    word = _word_image().convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to view
    rgb = load_image(_png_bytes(word, format="JPEG", exif=exif.tobytes()))
    assert rgb.shape == (80, 30, 3)


def test_arrays_of_other_types():
    assert load_image(np.ones((5, 6), dtype=np.float32)).max() == 255
    assert load_image(np.zeros((5, 6, 4), np.uint8)).shape == (5, 6, 3)
    with pytest.raises(ImageError, match="not an image"):
        load_image(np.zeros((5, 6, 7), np.uint8))
