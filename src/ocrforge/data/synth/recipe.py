"""What one synthetic sample is made of, chosen deterministically from (seed, index)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocrforge.data.synth import text as text_gen
from ocrforge.data.synth.fonts import FontFace, load_faces, pick_face
from ocrforge.data.synth.render import render_text


@dataclass(frozen=True)
class SynthRecipe:
    fonts: str = "train"  # font split: "train", or "holdout" for faces never trained on
    line_fraction: float = 0.2  # share of multi-word lines; the rest are single words
    max_line_words: int = 10
    # Degradation strength is drawn uniformly from [min_strength, max_strength]; 0 is a clean scan.
    min_strength: float = 0.0
    max_strength: float = 1.0
    clean_fraction: float = 0.2  # share of samples rendered with no degradation at all
    vocabulary: str = "mixed"  # "mixed": words, numbers, dates, codes, URLs...; "dictionary": dictionary words only
    arched_fraction: float = 0.0  # share of single words set along a circular arc (signs, stamps, labels)
    # Share of samples drawn to look as real crops were measured to (render_text's real_look): real
    # photos' colours, tight cuts, perspective, camera JPEG. 0 keeps the streams of earlier recipes.
    real_look: float = 0.0

    def __post_init__(self) -> None:
        if self.vocabulary not in ("mixed", "dictionary"):
            raise ValueError(f"vocabulary must be 'mixed' or 'dictionary', not {self.vocabulary!r}")
        if not 0.0 <= self.min_strength <= self.max_strength <= 1.0:
            raise ValueError("need 0 <= min_strength <= max_strength <= 1")


CLEAN = SynthRecipe(line_fraction=0.0, min_strength=0.0, max_strength=0.0, clean_fraction=1.0)
DEGRADED = SynthRecipe(line_fraction=0.0, min_strength=0.5, max_strength=1.0, clean_fraction=0.0)
ARCHED = SynthRecipe(line_fraction=0.0, min_strength=0.0, max_strength=0.4, clean_fraction=0.3, arched_fraction=1.0)
TRAINING = SynthRecipe(real_look=0.6)  # what recognizers train on


def sample(seed: int, index: int, recipe: SynthRecipe = SynthRecipe()) -> tuple[np.ndarray, str]:
    """The (RGB uint8 image, text) pair number `index` of the stream `seed`: same inputs, same pixels."""
    image, text, _ = sample_with_face(seed, index, recipe)
    return image, text


def sample_with_face(seed: int, index: int, recipe: SynthRecipe = SynthRecipe()) -> tuple[np.ndarray, str, FontFace]:
    """`sample`, and the face it was set in."""
    rng = np.random.default_rng([seed, index])
    faces = load_faces(recipe.fonts)
    while True:
        if rng.random() < recipe.line_fraction:
            text = text_gen.line(rng, recipe.max_line_words)
        elif recipe.vocabulary == "dictionary":
            text = text_gen.dictionary_word(rng)
        else:
            text = text_gen.word(rng)
        face = pick_face(rng, faces, text)
        if face is not None and text.strip():
            break
    strength = 0.0 if rng.random() < recipe.clean_fraction else rng.uniform(recipe.min_strength, recipe.max_strength)
    # Drawn only when arcs are asked for, so recipes without them keep their streams.
    arched = recipe.arched_fraction > 0 and " " not in text and rng.random() < recipe.arched_fraction
    real_look = recipe.real_look > 0 and rng.random() < recipe.real_look
    return render_text(text, face, rng, strength, arched, real_look), text, face
