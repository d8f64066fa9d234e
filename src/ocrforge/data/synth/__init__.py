"""The synthetic text-image engine: many fonts, many kinds of text, the degradations of real photos."""

from ocrforge.data.synth.recipe import SynthRecipe, sample

__all__ = ["SynthRecipe", "sample"]
