"""Which recognizer to load: a shipped one by name, or an ONNX file of either kind (CTC or attention)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ocrforge.runtime.attention import NO_WORD_LIST, AttentionRecognizer
from ocrforge.runtime.onnx import DEFAULT_RECOGNIZER, RECOGNIZERS, shipped_model
from ocrforge.runtime.recognizer import Recognizer
from ocrforge.text.lexicon import Lexicon, load_lexicon


def load_recognizer(model: str | Path | None = None, threads: int | None = None) -> Recognizer | AttentionRecognizer:
    """A shipped recognizer by name (crnn, attention) or an ONNX file, CTC or attention alike;
    None: the shipped CRNN. An attention model is known by its decoder graph lying beside it."""
    if model is None or str(model) in RECOGNIZERS:
        path = shipped_model(RECOGNIZERS[str(model or DEFAULT_RECOGNIZER)])
    else:
        path = Path(model)
        if not path.is_file():
            raise FileNotFoundError(f"{model}: neither a shipped recognizer ({', '.join(RECOGNIZERS)}) nor an ONNX file")
    if path.with_name(path.stem + ".decoder.onnx").is_file():
        return AttentionRecognizer(path, threads)
    return Recognizer(path, threads)


@lru_cache(maxsize=4)
def default_recognizer(model: str | None = None) -> Recognizer | AttentionRecognizer:
    """`load_recognizer`, kept loaded for the Python API's repeated calls."""
    return load_recognizer(model)


def word_list_for(recognizer: Recognizer | AttentionRecognizer, spec: str | None) -> Lexicon | None:
    """The word list `spec` names (a built-in one or a file) for decoding `recognizer`'s output; None for none.

    Raises ValueError, before any reading starts, for an attention recognizer (it decodes without CTC,
    so it has no use for one) or for a list that cannot be read."""
    if spec is None:
        return None
    if isinstance(recognizer, AttentionRecognizer):
        raise ValueError(NO_WORD_LIST)
    return load_lexicon(spec)
