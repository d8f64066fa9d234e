"""What the input fuzzers start from and feed: one valid file of every format ocrforge reads, the
mutations a damaged or hostile file shows (flipped bytes, truncation, inserted and repeated runs), and
the loaders every command reads files through, each of which must return pixels or raise ImageError."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from fpdf import FPDF
from PIL import Image, ImageDraw

from ocrforge.io.images import load_image, load_pages
from ocrforge.io.pdf import read_pdf


def _picture(size: tuple[int, int] = (96, 48), text: str = "OPEN") -> Image.Image:
    image = Image.new("RGB", size, (230, 228, 220))
    ImageDraw.Draw(image).text((8, 16), text, fill=(20, 20, 20))
    return image


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def image_seeds() -> dict[str, bytes]:
    """Small valid files of every image format read, with the features that take special paths."""
    rgb = _picture()
    exif = Image.Exif()
    exif[0x0112] = 6  # EXIF orientation: turned
    frames = [_picture(text=t) for t in ("ONE", "TWO", "SIX")]
    gray16 = Image.fromarray((np.arange(96 * 48, dtype=np.uint16).reshape(48, 96) * 13))
    return {
        "png": _encoded(rgb, "PNG"),
        "png_alpha": _encoded(rgb.convert("RGBA"), "PNG"),
        "png_16bit": _encoded(gray16, "PNG"),
        "jpeg_exif": _encoded(rgb, "JPEG", quality=80, exif=exif),
        "jpeg_cmyk": _encoded(rgb.convert("CMYK"), "JPEG"),
        "webp": _encoded(rgb, "WEBP", quality=80),
        "tiff_pages": _encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw"),
        "gif_animated": _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0),
        "bmp": _encoded(rgb, "BMP"),
        "ppm": _encoded(rgb, "PPM"),
        "pgm": _encoded(rgb.convert("L"), "PPM"),
    }


def pdf_seed() -> bytes:
    """Two pages: a scanned one (an image) and one with its own text."""
    pdf = FPDF(unit="pt")
    pdf.add_page(format=(200, 100))
    pdf.image(io.BytesIO(_encoded(_picture(), "PNG")), x=0, y=0, w=200, h=100)
    pdf.add_page(format=(200, 100))
    pdf.set_font("Helvetica", size=12)
    pdf.text(10, 50, "Invoice 42")
    return bytes(pdf.output())


def video_seed(folder: Path) -> bytes:
    """A short MP4 (MPEG-4 part 2, what OpenCV writes everywhere)."""
    path = folder / "seed.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (96, 48))
    for i in range(12):
        writer.write(np.asarray(_picture(text=f"T{i}"))[..., ::-1].copy())
    writer.release()
    return path.read_bytes()


def mutate(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply edits (kind, position, value): 0 flips a byte, 1 truncates, 2 inserts a run of one byte,
    3 repeats the following 64 bytes; positions wrap around the data."""
    data = bytearray(seed)
    for kind, position, value in edits:
        if not data:
            break
        at = position % len(data)
        if kind == 0:
            data[at] ^= value or 0xFF
        elif kind == 1:
            del data[max(1, at):]
        elif kind == 2:
            data[at:at] = bytes([value]) * (1 + value % 32)
        else:
            data[at:at] = data[at:at + 64]
    return bytes(data)


def read_image_bytes(data: bytes, folder: Path) -> list[np.ndarray]:
    """Every way an image file is read: from bytes (the server), from a path (commands), page by page."""
    images = [load_image(data)]
    path = folder / "input"
    path.write_bytes(data)
    images += list(load_pages(path))
    return images


def read_pdf_bytes(data: bytes, folder: Path) -> list[np.ndarray]:
    path = folder / "input.pdf"
    path.write_bytes(data)
    return [page.image for page in read_pdf(path, dpi=72)]


READERS: dict[str, Callable[[bytes, Path], list[np.ndarray]]] = {"image": read_image_bytes, "pdf": read_pdf_bytes}


def check_pixels(images: list[np.ndarray]) -> None:
    """What a loader hands on is always an RGB image with pixels in it."""
    for image in images:
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3 and min(image.shape[:2]) >= 1
