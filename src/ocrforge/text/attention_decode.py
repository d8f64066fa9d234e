"""Decoding an attention decoder step by step: greedy for a batch, beam search for one sequence.
Numpy only: the runtime drives ONNX decoder steps with it, tests drive toy models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ocrforge.text.ctc import Decoded
from ocrforge.text.tokens import Tokenizer

# step(previous tokens (K,), state) -> (probabilities (K, V), new state, attention (K, T));
# the state is whatever the decoder carries (hidden vectors), indexed along its first axis.
StepFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Reading:
    decoded: Decoded
    attention: np.ndarray  # (characters, T): where the decoder looked for each character read


def _reading(tokenizer: Tokenizer, tokens: list[int], probs: list[float], attention: list[np.ndarray], columns: int) -> Reading:
    chars = [t for t in tokens if t >= Tokenizer.FIRST_CHAR]
    confidences = [p for t, p in zip(tokens, probs) if t >= Tokenizer.FIRST_CHAR]
    maps = np.stack([a for t, a in zip(tokens, attention) if t >= Tokenizer.FIRST_CHAR]) if chars else np.zeros((0, columns))
    confidence = float(np.mean(confidences)) if confidences else 1.0
    return Reading(Decoded(tokenizer.decode(chars), confidence, tuple(float(c) for c in confidences)), maps)


def greedy(step: StepFn, state: np.ndarray, tokenizer: Tokenizer, max_length: int) -> list[Reading]:
    """The most likely token at each step, for every sequence of the batch at once."""
    batch = state.shape[0]
    previous = np.full(batch, Tokenizer.SOS, np.int64)
    done = np.zeros(batch, bool)
    tokens, probs, attention = [[] for _ in range(batch)], [[] for _ in range(batch)], [[] for _ in range(batch)]
    columns = 0
    for _ in range(max_length):
        p, state, weights = step(previous, state)
        columns = weights.shape[1]
        previous = p.argmax(axis=1)
        for i in np.nonzero(~done)[0]:
            if previous[i] == Tokenizer.EOS:
                done[i] = True
                continue
            tokens[i].append(int(previous[i]))
            probs[i].append(float(p[i, previous[i]]))
            attention[i].append(weights[i])
        if done.all():
            break
    return [_reading(tokenizer, tokens[i], probs[i], attention[i], columns) for i in range(batch)]


def beam_search(step: StepFn, state: np.ndarray, tokenizer: Tokenizer, max_length: int, beam_width: int = 5,
                length_penalty: float = 0.6) -> Reading:
    """Beam search for one sequence (`state` has a batch of 1). Finished hypotheses are ranked by
    log-probability over length ** length_penalty, so long readings are not beaten by short ones."""
    beams = [([], [], [], 0.0)]  # (tokens, probabilities, attention maps, log-probability)
    states = state
    finished = []
    columns = 0
    for _ in range(max_length):
        previous = np.array([b[0][-1] if b[0] else Tokenizer.SOS for b in beams], np.int64)
        p, new_states, weights = step(previous, states)
        columns = weights.shape[1]
        candidates = []
        for k, (tokens, probs, maps, score) in enumerate(beams):
            for token in np.argsort(-p[k])[:beam_width]:
                candidates.append((score + float(np.log(max(p[k, token], 1e-12))), k, int(token)))
        candidates.sort(reverse=True)
        next_beams, keep = [], []
        for score, k, token in candidates:
            tokens, probs, maps, _ = beams[k]
            if token == Tokenizer.EOS:
                finished.append((score / max(len(tokens), 1) ** length_penalty, tokens, probs, maps))
            else:
                next_beams.append((tokens + [token], probs + [float(p[k, token])], maps + [weights[k]], score))
                keep.append(k)
            if len(next_beams) == beam_width:
                break
        if not next_beams or len(finished) >= beam_width:
            break
        beams, states = next_beams, new_states[keep]
    if not finished:  # ran into max_length: take the best open hypothesis
        finished = [(b[3] / max(len(b[0]), 1) ** length_penalty, b[0], b[1], b[2]) for b in beams]
    _, tokens, probs, maps = max(finished, key=lambda f: f[0])
    return _reading(tokenizer, tokens, probs, maps, columns)
