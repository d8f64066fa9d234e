"""CTC decoding: greedy and prefix beam search, with per-character confidences."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ocrforge.text.charset import Charset
from ocrforge.text.lexicon import Lexicon

BEAM_WITH_LEXICON = 16  # a word prior reorders the candidates: more of them are kept than without


@dataclass(frozen=True)
class Decoded:
    text: str
    confidence: float  # product-free summary: the mean of the character confidences (1.0 for "")
    char_confidences: tuple[float, ...]
    # Greedy CTC only: (len(text), C) the class probabilities of each character's surest frame, for priors
    # that weigh a character's other readings (plates.formats); None from other decoders.
    char_probs: np.ndarray | None = field(default=None, compare=False, repr=False)


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _summary(text: str, char_conf: list[float], char_probs: np.ndarray | None = None) -> Decoded:
    confidence = float(np.mean(char_conf)) if char_conf else 1.0
    return Decoded(text, confidence, tuple(float(c) for c in char_conf), char_probs)


def greedy_decode(probs: np.ndarray, charset: Charset) -> Decoded:
    """Best path for one sequence of per-frame probabilities, shape (T, C)."""
    best = probs.argmax(axis=1)
    indices: list[int] = []
    confs: list[float] = []
    frames: list[int] = []  # each character's surest frame
    previous = charset.blank
    for t, k in enumerate(best):
        k = int(k)
        if k != charset.blank and k != previous:
            indices.append(k)
            confs.append(float(probs[t, k]))
            frames.append(t)
        elif k != charset.blank and k == previous and probs[t, k] > confs[-1]:
            # A repeated frame of the same character: keep its best frame.
            confs[-1], frames[-1] = float(probs[t, k]), t
        previous = k
    return _summary(charset.decode(indices), confs, probs[frames])


def beam_decode(probs: np.ndarray, charset: Charset, beam_width: int = 8, prune: float = 1e-4,
                lexicon: Lexicon | None = None) -> Decoded:
    """CTC prefix beam search over probabilities of shape (T, C).

    Frames whose probability mass sits on the blank are cheap; characters below `prune`
    in a frame are not extended, which keeps the search fast on long lines. With a `lexicon`,
    prefixes are ranked by their probability times the word prior (Lexicon.text_score).
    """
    blank = charset.blank
    # prefix -> (p_blank, p_nonblank); prefixes are tuples of indices
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (1.0, 0.0)}
    # Per prefix, the best probability seen for each of its characters (for confidences).
    char_conf: dict[tuple[int, ...], tuple[float, ...]] = {(): ()}
    prior: dict[tuple[int, ...], float] = {}  # the word prior of each prefix met, while it is still being read

    def rank(prefix: tuple[int, ...], p: float) -> float:
        if lexicon is None:
            return p
        if prefix not in prior:
            prior[prefix] = lexicon.text_score(charset.decode(list(prefix)), finished=False)
        return math.log(max(p, 1e-300)) + prior[prefix]

    for t in range(probs.shape[0]):
        frame = probs[t]
        candidates = np.nonzero(frame >= prune)[0]
        next_beams: dict[tuple[int, ...], list[float]] = {}
        next_conf: dict[tuple[int, ...], tuple[float, ...]] = {}

        def add(prefix: tuple[int, ...], pb: float, pnb: float, conf: tuple[float, ...]) -> None:
            entry = next_beams.setdefault(prefix, [0.0, 0.0])
            entry[0] += pb
            entry[1] += pnb
            old = next_conf.get(prefix)
            if old is None or (conf and old and conf[-1] > old[-1]):
                next_conf[prefix] = conf

        for prefix, (pb, pnb) in beams.items():
            total = pb + pnb
            conf = char_conf[prefix]
            for k in candidates:
                k = int(k)
                p = float(frame[k])
                if k == blank:
                    add(prefix, total * p, 0.0, conf)
                    continue
                extended = prefix + (k,)
                if prefix and prefix[-1] == k:
                    # Same character again: only a blank in between makes it a new character.
                    add(extended, 0.0, pb * p, conf + (p,))
                    add(prefix, 0.0, pnb * p, conf[:-1] + (max(conf[-1], p),))
                else:
                    add(extended, 0.0, total * p, conf + (p,))
        ranked = sorted(next_beams.items(), key=lambda kv: rank(kv[0], kv[1][0] + kv[1][1]), reverse=True)[:beam_width]
        norm = sum(pb + pnb for _, (pb, pnb) in ranked) or 1.0
        # Renormalise so long sequences do not underflow.
        beams = {prefix: (pb / norm, pnb / norm) for prefix, (pb, pnb) in ranked}
        char_conf = {prefix: next_conf[prefix] for prefix in beams}

    def final(item: tuple[tuple[int, ...], tuple[float, float]]) -> float:
        prefix, (pb, pnb) = item
        if lexicon is None:
            return pb + pnb
        return math.log(max(pb + pnb, 1e-300)) + lexicon.text_score(charset.decode(list(prefix)), finished=True)

    best = max(beams.items(), key=final)[0]
    return _summary(charset.decode(list(best)), list(char_conf[best]))


def decode_batch(probs: np.ndarray, widths: np.ndarray, width_stride: int, charset: Charset, decoder: str = "greedy",
                 lexicon: Lexicon | None = None) -> list[Decoded]:
    """Decode (B, T, C) probabilities, each row cut to the frames its true width produced (no padding frames).

    A `lexicon` means beam search with its word prior, whichever `decoder` is named."""
    if decoder not in ("greedy", "beam"):
        raise ValueError(f"unknown decoder {decoder!r}: use 'greedy' or 'beam'")
    rows = [probs[row, : min(probs.shape[1], -(-int(w) // width_stride))] for row, w in enumerate(widths)]
    if lexicon is not None:
        return [beam_decode(frames, charset, BEAM_WITH_LEXICON, lexicon=lexicon) for frames in rows]
    decode = greedy_decode if decoder == "greedy" else beam_decode
    return [decode(frames, charset) for frames in rows]
