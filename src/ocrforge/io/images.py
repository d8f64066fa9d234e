"""Turn paths, bytes, PIL images and arrays into RGB uint8 arrays, or a clear ImageError."""

from __future__ import annotations

import io
import os
import struct
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ocrforge.io.limits import max_pages, max_pixels

ImageSource = Union[str, os.PathLike, bytes, bytearray, Image.Image, np.ndarray]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".pbm", ".pgm", ".ppm")


class ImageError(ValueError):
    """An input that cannot be read as an image; the message names the input."""


def describe(source: ImageSource) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    if isinstance(source, (bytes, bytearray)):
        return f"<{len(source)} bytes>"
    if isinstance(source, np.ndarray):
        return f"<array {source.shape} {source.dtype}>"
    return f"<{type(source).__name__}>"


def _to_rgb(image: Image.Image) -> np.ndarray:
    """Any PIL mode -> (H, W, 3) uint8; transparency is laid over white, as a viewer shows it."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float64)
        lo, hi = float(array.min()), float(array.max())
        scaled = (array - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(array)
        return np.repeat(scaled.astype(np.uint8)[..., None], 3, axis=2)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return np.asarray(image.convert("RGB"))


def _from_array(array: np.ndarray) -> np.ndarray:
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageError(f"array of shape {array.shape} is not an image (expected HxW, HxWx3 or HxWx4)")
    if array.dtype == np.uint16:
        array = (array / 257).astype(np.uint8)
    elif array.dtype.kind == "f":
        array = np.clip(array * (255 if array.max() <= 1.0 else 1), 0, 255).astype(np.uint8)
    elif array.dtype == bool:
        array = array.astype(np.uint8) * 255
    elif array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim == 2:
        return np.repeat(array[..., None], 3, axis=2)
    if array.shape[2] == 4:
        alpha = array[..., 3:4].astype(np.float32) / 255
        return (array[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return np.ascontiguousarray(array)


def _open(source: ImageSource, name: str) -> Image.Image:
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, (bytes, bytearray)):
        return Image.open(io.BytesIO(bytes(source)))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise ImageError(f"{name}: no such file")
        if path.is_dir():
            raise ImageError(f"{name}: is a folder, not an image")
        return Image.open(path)
    raise ImageError(f"{name}: not an image source (give a path, bytes, a PIL image or a numpy array)")


def _decode_frame(image: Image.Image, frame: int, name: str) -> np.ndarray:
    """Frame `frame` of an opened image as RGB, upright by its EXIF orientation."""
    if image.width * image.height > max_pixels():  # refused from the header, before any decoding
        raise ImageError(f"{name}: {image.width}x{image.height} is larger than {max_pixels():,} pixels (OCRFORGE_MAX_PIXELS)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image.seek(frame)
        image.load()
        upright = ImageOps.exif_transpose(image) or image
    array = _to_rgb(upright)
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ImageError(f"{name}: empty image ({array.shape[1]}x{array.shape[0]})")
    return array


# What Pillow raises for broken, truncated or hostile files: its format plugins let through whatever a
# damaged header trips (fuzzing found TypeError and KeyError from TIFF tags, kept as regression tests).
DECODING_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
                    Image.DecompressionBombWarning, TypeError, KeyError, IndexError, struct.error, ZeroDivisionError)


def _as_image_error(err: Exception, name: str) -> ImageError:
    if isinstance(err, UnidentifiedImageError):
        return ImageError(f"{name}: not an image (unrecognised format)")
    # Pillow's own errors say what is wrong; the others (a KeyError's "6917") need their type to make sense.
    detail = err if isinstance(err, (OSError, ValueError, SyntaxError, EOFError)) else f"{type(err).__name__}: {err}"
    return ImageError(f"{name}: unreadable image ({detail})")


def load_image(source: ImageSource) -> np.ndarray:
    """(H, W, 3) uint8 RGB, upright by its EXIF orientation; raises ImageError naming the input.

    Animated GIFs and multi-page TIFFs give their first frame (`load_pages` gives every page)."""
    name = describe(source)
    if isinstance(source, np.ndarray):
        array = _from_array(source)
        if array.shape[0] == 0 or array.shape[1] == 0:
            raise ImageError(f"{name}: empty image ({array.shape[1]}x{array.shape[0]})")
        return array
    try:
        return _decode_frame(_open(source, name), 0, name)
    except ImageError:
        raise
    except DECODING_ERRORS as err:
        raise _as_image_error(err, name) from None


def load_pages(path: str | os.PathLike) -> Iterator[np.ndarray]:
    """Every page of a multi-page TIFF, or the one image of any other file (an animated GIF's first
    frame: its frames are animation, not pages). Past `max_pages()` pages an ImageError says how many
    were left unread."""
    name = describe(path)
    try:
        image = _open(path, name)
        pages = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
        for page in range(min(pages, max_pages())):
            yield _decode_frame(image, page, name)
        if pages > max_pages():
            raise ImageError(f"{name}: {pages} pages, more than {max_pages()} (OCRFORGE_MAX_PAGES): "
                             f"pages {max_pages() + 1}-{pages} not read")
    except ImageError:
        raise
    except DECODING_ERRORS as err:
        raise _as_image_error(err, name) from None
