"""Choosing a digit model by name ('house', 'ram') or by the file an exported model lies in."""

from __future__ import annotations

from pathlib import Path

from ocrforge.digits.house import HOUSE_MODEL, HouseNumberReader
from ocrforge.digits.reader import DIGIT_MODEL, DigitReader
from ocrforge.runtime.recognizer import cpu_session, shipped_model

# name -> (reader, shipped file): RAM trained on centred MNIST digits, and on digits placed at random in 60x60
# (translated) or among fragments of others (cluttered), the tasks of Mnih et al. (2014).
SHIPPED = {
    "house": (HouseNumberReader, HOUSE_MODEL),
    "ram": (DigitReader, DIGIT_MODEL),
    "ram-translated": (DigitReader, "ram-translated.onnx"),
    "ram-cluttered": (DigitReader, "ram-cluttered.onnx"),
}


def load_digit_model(model: str | Path, threads: int | None = None) -> HouseNumberReader | DigitReader:
    """A shipped model by name (see SHIPPED), else an exported .onnx whose metadata says which kind it is."""
    if str(model) in SHIPPED:
        reader, file = SHIPPED[str(model)]
        return reader(shipped_model(file), threads)
    path = Path(model)
    arch = cpu_session(path, 1).get_modelmeta().custom_metadata_map.get("arch")
    if arch == "dram":
        return HouseNumberReader(path, threads)
    if arch == "ram":
        return DigitReader(path, threads)
    raise ValueError(f"{path}: not an ocrforge digit model (arch {arch!r}); expected {', '.join(SHIPPED)} or an exported RAM/DRAM .onnx")
