"""A word prior for CTC decoding: which tokens are words, and how common each is.

Only tokens of letters are judged (edge punctuation aside, hyphenated parts each on its own, and in French
an elided article or pronoun apart from its word: l'homme, qu'il): one not in the list costs a fixed
penalty, and a listed one earns a bonus that grows with how common it is. Tokens with digits or symbols
inside (codes, prices, dates, e-mail addresses) are left to the recognizer, and a penalty is a price,
not a ban: a name read clearly stays that name.
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

# Chosen on the real validation splits (train_real/val, see the README): penalties of 2 to 4 nats and weights of
# 0.3 to 0.5 all did about as well; heavier penalties start forcing names and codes into words.
UNKNOWN_WORD_PENALTY = 2.0  # nats: a reading that is a word wins if it is at least e^-2 as likely as one that is not
FREQUENCY_WEIGHT = 0.3  # nats of bonus per nat of frequency above the list's rarest word
BUILT_IN_WORDS = 50_000  # most frequent words (wordfreq) in a built-in list
BUILT_IN = {"english": "en", "french": "fr"}  # the built-in lists by name, and their wordfreq language
EDGE_PUNCTUATION = string.punctuation + "«»“”‘’…"


class Lexicon:
    """Known words (case ignored) with their relative frequencies."""

    def __init__(self, frequencies: dict[str, float], name: str = "lexicon", *,
                 unknown_word_penalty: float = UNKNOWN_WORD_PENALTY, frequency_weight: float = FREQUENCY_WEIGHT,
                 elisions: bool = False) -> None:
        """`elisions`: a word's parts either side of an apostrophe are judged apart (French l'homme, d'un)."""
        words = {w.lower(): f for w, f in frequencies.items() if w and f > 0}
        if not words:
            raise ValueError(f"{name}: no words")
        self.name, self.frequencies = name, words
        self.unknown_word_penalty, self.elisions = unknown_word_penalty, elisions
        rarest = min(words.values())
        self._bonus = {w: frequency_weight * math.log(f / rarest) for w, f in words.items()}
        self._prefixes = {w[:k] for w in words for k in range(1, len(w) + 1)}

    def __len__(self) -> int:
        return len(self._bonus)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self._bonus

    @classmethod
    def from_file(cls, path: Path) -> Lexicon:
        """One word per line, optionally followed by whitespace and its count or frequency."""
        frequencies: dict[str, float] = {}
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ValueError(f"{path}: cannot read the word list ({err})") from None
        for number, line in enumerate(lines, start=1):
            fields = line.split()
            if not fields:
                continue
            try:
                count = float(fields[1]) if len(fields) > 1 else 1.0
            except ValueError:
                raise ValueError(f"{path}:{number}: expected WORD or WORD COUNT, got {line.strip()!r}") from None
            frequencies[fields[0].lower()] = frequencies.get(fields[0].lower(), 0.0) + count
        # Shares of the whole, not counts: a list joined with a built-in one (load_lexicon) weighs alike.
        total = sum(frequencies.values()) or 1.0
        return cls({w: c / total for w, c in frequencies.items()}, name=str(path))

    @classmethod
    def joined(cls, lexicons: list[Lexicon]) -> Lexicon:
        """One list of every word the `lexicons` know, each as common as the list that finds it commonest."""
        frequencies: dict[str, float] = {}
        for lexicon in lexicons:
            for word, frequency in lexicon.frequencies.items():
                frequencies[word] = max(frequency, frequencies.get(word, 0.0))
        return cls(frequencies, name="+".join(lexicon.name for lexicon in lexicons),
                   elisions=any(lexicon.elisions for lexicon in lexicons))

    def text_score(self, text: str, finished: bool) -> float:
        """The prior's log-weight of a reading; `finished=False` for one still being read, whose last
        word only has to begin a known word so far.

        The penalty is charged once per run of unknown words, not per word: otherwise dropping the space
        between two names ("ZVI GALIL" -> "ZVIGALIL") would save a penalty.
        """
        score, in_unknown_run = 0.0, False
        for part, done in self._words(text, finished):
            if part is None:  # a code, number or symbol run: not judged, and it ends a run of unknown words
                in_unknown_run = False
            elif done and part in self._bonus:
                score, in_unknown_run = score + self._bonus[part], False
            elif done or part not in self._prefixes:  # unknown, or no known word starts like this: charged now
                score -= 0.0 if in_unknown_run else self.unknown_word_penalty
                in_unknown_run = True
        return score

    def _words(self, text: str, finished: bool) -> Iterator[tuple[str | None, bool]]:
        """(lower-case word, whether it is complete) for each word of letters in `text`, and (None, True) for
        each token holding digits or symbols; edge punctuation aside, hyphenated parts each a word."""
        tokens = text.replace("’", "'").split(" ")
        for k, token in enumerate(tokens):
            # A closing mark ends the word before it even while the token goes on; hyphens and apostrophes do not.
            complete = finished or k < len(tokens) - 1 or (token[-1:] in EDGE_PUNCTUATION and token[-1:] not in "-'")
            core = token.strip(EDGE_PUNCTUATION) if complete else token.lstrip(EDGE_PUNCTUATION)
            parts = [p for p in core.lower().split("-") if p]
            if self.elisions:
                parts = [q for p in parts for q in p.split("'") if q]
            if not all(p.replace("'", "").isalpha() for p in parts):
                yield None, True
                continue
            for j, part in enumerate(parts):
                yield part, complete or j < len(parts) - 1


@lru_cache(maxsize=2)
def built_in_frequencies(name: str) -> dict[str, float]:
    """The most frequent words of a built-in list's language (BUILT_IN) and their frequencies, from wordfreq."""
    from wordfreq import top_n_list, word_frequency

    language = BUILT_IN[name]
    return {w: word_frequency(w, language) for w in top_n_list(language, BUILT_IN_WORDS)}


@lru_cache(maxsize=2)
def built_in(name: str) -> Lexicon:
    """A built-in list (BUILT_IN) with the default prior; French judges elided words apart."""
    return Lexicon(built_in_frequencies(name), name=name, elisions=BUILT_IN[name] == "fr")


def load_lexicon(spec: str | Path) -> Lexicon:
    """The built-in list for "english" or "french", otherwise the word list file `spec` (see Lexicon.from_file);
    several joined by "+" ("french+names.txt": a language's words and a collection's own, Lexicon.joined)."""
    if str(spec) in BUILT_IN:
        return built_in(str(spec))
    path = Path(spec)
    if path.is_file():
        return Lexicon.from_file(path)
    if "+" in str(spec):
        return Lexicon.joined([load_lexicon(part) for part in str(spec).split("+")])
    raise ValueError(f"{path}: no such word list (give a file of words, one per line, or one of {', '.join(BUILT_IN)})")
