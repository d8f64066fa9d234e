"""ocrforge: read text in images with deep models trained here."""

from ocrforge.version import __version__

__all__ = ["OCR", "__version__", "recognize"]


def __getattr__(name: str):
    # Imported on first use so that `import ocrforge.data...` does not load onnxruntime.
    if name == "recognize":
        from ocrforge.api import recognize

        return recognize
    if name == "OCR":
        from ocrforge.pipeline.ocr import OCR

        return OCR
    raise AttributeError(name)
