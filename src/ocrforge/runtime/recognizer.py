"""Batched text recognition with an exported ONNX recognizer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.preprocess import batches_by_width, prepare_crop
from ocrforge.runtime.onnx import DEFAULT_RECOGNIZER, RECOGNIZERS, cpu_session, shipped_model
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import Decoded, decode_batch
from ocrforge.text.lexicon import Lexicon


@dataclass(frozen=True)
class ModelInfo:
    arch: str
    charset: Charset
    input_height: int
    width_stride: int


class Recognizer:
    """Reads cropped words or lines. Stateless per call: options are arguments, so one instance can serve threads."""

    def __init__(self, model_path: Path | str | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else shipped_model(RECOGNIZERS[DEFAULT_RECOGNIZER])
        self.session = cpu_session(self.model_path, threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        try:
            self.info = ModelInfo(
                arch=meta["arch"], charset=Charset(json.loads(meta["charset"])),
                input_height=int(meta["input_height"]), width_stride=int(meta["width_stride"]),
            )
        except KeyError as missing:
            raise ValueError(f"{self.model_path}: not an ocrforge recognizer (metadata {missing} missing)") from None

    def prepare(self, image: np.ndarray) -> np.ndarray:
        return prepare_crop(image, self.info.input_height)

    def recognize_prepared(self, crops: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                           lexicon: Lexicon | None = None) -> list[Decoded]:
        """Crops already through `prepare`, batched in order of width so little is padding; with a
        `lexicon`, decoded by beam search that prefers its words."""
        results: list[Decoded | None] = [None] * len(crops)
        for idx, images, widths in batches_by_width(crops, batch_size):
            probs = self.session.run(["probs"], {"images": images})[0]
            for i, decoded in zip(idx, decode_batch(probs, widths, self.info.width_stride, self.info.charset, decoder, lexicon)):
                results[i] = decoded
        return results  # type: ignore[return-value]

    def recognize(self, images: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                  lexicon: Lexicon | None = None) -> list[Decoded]:
        """RGB or gray uint8 crops -> one Decoded (text, confidences) per crop, in input order."""
        return self.recognize_prepared([self.prepare(im) for im in images], decoder, batch_size, lexicon)

