"""Choosing a digit model by name ('house', 'ram') or by the file an exported model lies in."""

from __future__ import annotations

from pathlib import Path

from ocrforge.digits.house import HouseNumberReader
from ocrforge.digits.reader import DigitReader
from ocrforge.runtime.onnx import DIGIT_MODELS, cpu_session, shipped_model

READERS = {"dram": HouseNumberReader, "ram": DigitReader}  # the model's arch (ONNX metadata) -> its reader


def load_digit_model(model: str | Path, threads: int | None = None) -> HouseNumberReader | DigitReader:
    """A shipped model by name (runtime.onnx.DIGIT_MODELS), else an exported .onnx whose metadata says which kind it is."""
    path = shipped_model(DIGIT_MODELS[str(model)]) if str(model) in DIGIT_MODELS else Path(model)
    arch = cpu_session(path, 1).get_modelmeta().custom_metadata_map.get("arch")
    if arch not in READERS:
        raise ValueError(f"{path}: not an ocrforge digit model (arch {arch!r}); expected "
                         f"{', '.join(DIGIT_MODELS)} or an exported RAM/DRAM .onnx")
    return READERS[arch](path, threads)
