"""Which `pip install 'ocrforge[EXTRA]'` brings each optional package: a command that needs one that is
missing says so in a sentence instead of a traceback."""

from __future__ import annotations

EXTRA_OF_PACKAGE = {
    "torch": "train", "onnx": "train", "fontTools": "train",
    "fastapi": "serve", "uvicorn": "serve", "multipart": "serve", "starlette": "serve",
    "ray": "ray",
    "scipy": "data", "h5py": "data", "lmdb": "data",
    "rapidocr": "bench", "httpx": "bench",
    "wordfreq": "lexicon",
}


def missing_extra_message(err: ModuleNotFoundError) -> str | None:
    """The sentence for an optional package that is not installed, or None for any other missing module."""
    package = (err.name or "").partition(".")[0]
    extra = EXTRA_OF_PACKAGE.get(package)
    if extra is None:
        return None
    return f"this needs {package}, which is not installed: pip install 'ocrforge[{extra}]'"
