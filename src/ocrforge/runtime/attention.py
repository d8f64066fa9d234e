"""Attention-OCR with onnxruntime: the encoder graph once per batch, the decoder-step graph in a
numpy loop (greedy for the batch, or beam search per crop). Never imports torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ocrforge.preprocess import batches_by_width, prepare_crop
from ocrforge.runtime.line_pieces import line_pieces
from ocrforge.runtime.recognizer import ModelInfo, cpu_session
from ocrforge.text.attention_decode import Reading, beam_search, greedy
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import Decoded
from ocrforge.text.lexicon import Lexicon
from ocrforge.text.tokens import Tokenizer

NO_WORD_LIST = "decoding with a word list needs a CTC recognizer (crnn), not an attention one"


class AttentionRecognizer:
    """Reads cropped words or lines like `Recognizer`, and can say where it looked (`read_prepared`)."""

    def __init__(self, model_path: Path | str, threads: int | None = None) -> None:
        self.model_path = Path(model_path)
        self.encoder = cpu_session(self.model_path, threads)
        meta = self.encoder.get_modelmeta().custom_metadata_map
        if meta.get("decoder") != "attention":
            raise ValueError(f"{self.model_path}: not an attention recognizer")
        self.decoder = cpu_session(self.model_path.with_name(meta["decoder_file"]), threads)
        charset = json.loads(meta["charset"])
        self.info = ModelInfo(meta["arch"], Charset(charset), int(meta["input_height"]), int(meta["width_stride"]))
        self.tokenizer = Tokenizer(charset)
        self.max_length = int(meta["max_length"])

    def prepare(self, image: np.ndarray) -> np.ndarray:
        return prepare_crop(image, self.info.input_height)

    def _mask(self, widths: np.ndarray, columns: int) -> np.ndarray:
        frames = np.clip((widths + self.info.width_stride - 1) // self.info.width_stride, 1, columns)
        return (np.arange(columns)[None, :] < frames[:, None]).astype(np.float32)

    def read_prepared(self, crops: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32, beam_width: int = 5) -> list[Reading]:
        """Readings (text, confidences, one attention row per character) for prepared crops, in order."""
        if decoder not in ("greedy", "beam"):
            raise ValueError(f"decoder must be 'greedy' or 'beam', not {decoder!r}")
        results: list[Reading | None] = [None] * len(crops)
        for idx, images, widths in batches_by_width(crops, batch_size):
            columns = images.shape[3] // self.info.width_stride
            mask = self._mask(widths, columns)
            memory, keys, hidden = self.encoder.run(None, {"images": images, "mask": mask})
            # The decoder is a GRU with no positional limit: a line wider than the trained maximum may
            # hold more characters, but never more than one per column.
            limit = max(self.max_length, columns)
            if decoder == "greedy":
                readings = greedy(self._stepper(memory, keys, mask), hidden, self.tokenizer, limit)
            else:
                readings = [beam_search(self._stepper(memory[i:i + 1], keys[i:i + 1], mask[i:i + 1]), hidden[i:i + 1],
                                        self.tokenizer, limit, beam_width) for i in range(len(idx))]
            for i, reading in zip(idx, readings):
                results[i] = reading
        return results  # type: ignore[return-value]

    def _stepper(self, memory: np.ndarray, keys: np.ndarray, mask: np.ndarray):
        def step(previous: np.ndarray, hidden: np.ndarray):
            inputs = {"memory": memory, "keys": keys, "mask": mask}
            if len(previous) != memory.shape[0]:  # beam search: k hypotheses of one crop share its memory
                inputs = {name: np.repeat(value, len(previous), axis=0) for name, value in inputs.items()}
            return tuple(self.decoder.run(None, {"previous": previous, "hidden": hidden, **inputs}))
        return step

    def recognize_prepared(self, crops: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                           lexicon: Lexicon | None = None) -> list[Decoded]:
        """Like `read_prepared`, without the attention maps; long lines are read in pieces cut at spaces."""
        if lexicon is not None:
            raise ValueError(NO_WORD_LIST)
        pieces = [line_pieces(crop) for crop in crops]
        readings = iter(self.read_prepared([piece for parts in pieces for piece in parts], decoder, batch_size))
        return [_joined([next(readings).decoded for _ in parts]) for parts in pieces]

    def recognize(self, images: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                  lexicon: Lexicon | None = None) -> list[Decoded]:
        """RGB or gray uint8 crops -> one Decoded (text, confidences) per crop, in input order."""
        return self.recognize_prepared([self.prepare(im) for im in images], decoder, batch_size, lexicon)


def _joined(parts: list[Decoded]) -> Decoded:
    """The readings of a line's pieces as one, a space between pieces (as unsure as the less sure piece)."""
    if len(parts) == 1:
        return parts[0]
    parts = [part for part in parts if part.text] or parts[:1]
    text, confidences = parts[0].text, list(parts[0].char_confidences)
    for previous, part in zip(parts, parts[1:]):
        text += " " + part.text
        confidences += [min(previous.confidence, part.confidence), *part.char_confidences]
    return Decoded(text, float(np.mean(confidences)) if confidences else 1.0, tuple(confidences))
