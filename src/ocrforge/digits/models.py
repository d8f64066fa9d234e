"""Choosing a digit model by name ('house', 'ram') or by the file an exported model lies in."""

from __future__ import annotations

from pathlib import Path

from ocrforge.digits.house import HouseNumberReader
from ocrforge.digits.reader import DigitReader
from ocrforge.runtime.recognizer import cpu_session

SHIPPED = {"house": HouseNumberReader, "ram": DigitReader}


def load_digit_model(model: str | Path, threads: int | None = None) -> HouseNumberReader | DigitReader:
    """'house' or 'ram' for the shipped models, else an exported .onnx whose metadata says which it is."""
    if str(model) in SHIPPED:
        return SHIPPED[str(model)](None, threads)
    path = Path(model)
    arch = cpu_session(path, 1).get_modelmeta().custom_metadata_map.get("arch")
    if arch == "dram":
        return HouseNumberReader(path, threads)
    if arch == "ram":
        return DigitReader(path, threads)
    raise ValueError(f"{path}: not an ocrforge digit model (arch {arch!r}); expected 'house', 'ram' or an exported RAM/DRAM .onnx")
