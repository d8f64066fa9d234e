"""The character set a recognizer reads, and string <-> index encoding."""

from __future__ import annotations

import string
from dataclasses import dataclass

# The 95 printable ASCII characters, space included, so text lines can be read too.
PRINTABLE_ASCII = "".join(chr(c) for c in range(32, 127))
assert len(PRINTABLE_ASCII) == 95 and set(string.ascii_letters + string.digits) <= set(PRINTABLE_ASCII)
# Western European letters and typographic punctuation, for handwriting and print beyond English (French,
# German, Spanish, Portuguese, Italian; the long s and the ligatures of older hands). Appended after ASCII so
# that a model reading them can start from one reading ASCII: the classes it shares keep their numbers.
LATIN = PRINTABLE_ASCII + "ÀÁÂÄÇÈÉÊËÌÍÎÏÑÒÓÔÖÙÚÛÜŸàáâäçèéêëìíîïñòóôöùúûüÿÆŒæœßſ’‘“”«»–—…°€£§"
CHARSETS = {"ascii": PRINTABLE_ASCII, "latin": LATIN}  # by name, for the command line


@dataclass(frozen=True)
class Charset:
    """Index 0 is the CTC blank; character i of `chars` has index i + 1."""

    chars: str = PRINTABLE_ASCII

    def __post_init__(self) -> None:
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("charset has repeated characters")

    @property
    def blank(self) -> int:
        return 0

    @property
    def num_classes(self) -> int:
        return len(self.chars) + 1  # +1 for the CTC blank

    def __contains__(self, text: str) -> bool:
        return all(c in self._index for c in text)

    @property
    def _index(self) -> dict[str, int]:
        # Cached on first use; frozen dataclasses need object.__setattr__.
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {c: i + 1 for i, c in enumerate(self.chars)}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def encode(self, text: str) -> list[int]:
        """Indices for `text`; raises ValueError naming any character outside the charset."""
        index = self._index
        try:
            return [index[c] for c in text]
        except KeyError as err:
            raise ValueError(f"character {err.args[0]!r} is not in the charset") from None

    def decode(self, indices: list[int] | tuple[int, ...]) -> str:
        """Characters for already-collapsed indices; the blank is skipped."""
        return "".join(self.chars[i - 1] for i in indices if i != 0)
