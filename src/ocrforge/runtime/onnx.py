"""onnxruntime sessions for the models: which file each shipped model is, and how a session is made."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnxruntime as ort

# The shipped models, in ocrforge/weights/, by the names users choose them with.
# --recognizer / --arch NAME; "handwriting": the CRNN fine-tuned on handwritten lines, Latin charset
RECOGNIZERS = {"crnn": "crnn.onnx", "attention": "attention.onnx", "handwriting": "handwriting.onnx"}
DEFAULT_RECOGNIZER = "crnn"
DETECTOR = "dbnet.onnx"
HANDWRITING_LINES = "handwriting-lines.onnx"  # finds whole text lines on handwritten pages
PLATE_RECOGNIZER = "plates.onnx"
PLATE_DETECTOR = "plate-detector.onnx"
# RAM trained on centred MNIST digits, and on digits placed at random in 60x60 (translated) or among
# fragments of others (cluttered), the tasks of Mnih et al. (2014); DRAM for house numbers.
DIGIT_MODELS = {"house": "house.onnx", "ram": "ram.onnx", "ram-translated": "ram-translated.onnx",
                "ram-cluttered": "ram-cluttered.onnx"}


def shipped_model(name: str) -> Path:
    """The path of a shipped model file (e.g. DETECTOR), which must be there."""
    path = Path(str(resources.files("ocrforge").joinpath("weights", name)))
    if not path.exists():
        raise FileNotFoundError(f"shipped model {name} is missing from {path.parent}")
    return path


def cpu_session(model_path: Path, threads: int | None = None) -> ort.InferenceSession:
    """An onnxruntime session on the CPU, all graph optimisations on, `threads` (default: all cores)."""
    import onnxruntime as ort  # here, so that naming the models (commands' options) does not load it

    if not model_path.is_file():
        raise FileNotFoundError(f"model {model_path} not found")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
