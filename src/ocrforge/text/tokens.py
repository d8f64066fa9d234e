"""Tokens for attention decoders: the special tokens and all encoding and decoding live here, so
models, training and the runtime never see strings. Numpy only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocrforge.text.charset import PRINTABLE_ASCII


@dataclass(frozen=True)
class Tokenizer:
    chars: str = PRINTABLE_ASCII
    PAD = 0  # fills targets after <eos>; ignored by the loss
    SOS = 1  # the decoder's first input
    EOS = 2  # ends a reading
    FIRST_CHAR = 3  # character i of `chars` is token FIRST_CHAR + i

    @property
    def num_classes(self) -> int:
        return len(self.chars) + self.FIRST_CHAR

    def encode(self, text: str) -> list[int]:
        """The tokens of `text` followed by <eos>; raises ValueError naming a character outside the set."""
        try:
            return [self.FIRST_CHAR + self.chars.index(c) for c in text] + [self.EOS]
        except ValueError:
            bad = next(c for c in text if c not in self.chars)
            raise ValueError(f"character {bad!r} is not in the charset") from None

    def decode(self, tokens) -> str:
        """Characters up to the first <eos>; <pad> and <sos> are skipped."""
        out = []
        for token in tokens:
            token = int(token)
            if token == self.EOS:
                break
            if token >= self.FIRST_CHAR:
                out.append(self.chars[token - self.FIRST_CHAR])
        return "".join(out)

    def targets_from_ctc(self, labels: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """(B, max length + 1) targets, <eos> after each text and <pad> after that, from the flat
        CTC labels the training batches carry (charset index + 1, see text/charset.py)."""
        lengths = np.asarray(lengths)
        out = np.full((len(lengths), int(lengths.max(initial=0)) + 1), self.PAD, np.int64)
        start = 0
        for row, length in enumerate(lengths):
            out[row, :length] = np.asarray(labels[start:start + length]) - 1 + self.FIRST_CHAR
            out[row, length] = self.EOS
            start += int(length)
        return out
