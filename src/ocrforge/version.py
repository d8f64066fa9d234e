"""The release, one home for it: the package metadata, `ocrforge --version`, hOCR/ALTO and the API read it here."""

__version__ = "0.2.0"
