"""What the synthetic engine writes: words, numbers, dates, codes, addresses, lines.

Each generator takes a numpy Generator and returns one string of printable ASCII.
The mix deliberately includes non-words so the recognizer reads letters, not a lexicon.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from ocrforge.text.charset import PRINTABLE_ASCII

DICTIONARY_PATHS = ("/usr/share/dict/american-english", "/usr/share/dict/words")
_FALLBACK_WORDS = "the of and to in is that for it as with was on be by at this are from or have an".split()

Rng = np.random.Generator
Generator = Callable[[Rng], str]


@lru_cache(maxsize=1)
def dictionary() -> tuple[str, ...]:
    """Words from Debian's wamerican list (ASCII only); a tiny fallback if it is missing."""
    for path in DICTIONARY_PATHS:
        if Path(path).exists():
            words = Path(path).read_text(encoding="utf-8", errors="ignore").split()
            # Possessives make up a quarter of wamerican; they would teach "'s" as a suffix prior.
            ascii_words = tuple(
                w for w in words if w.isascii() and w.isprintable() and len(w) <= 20 and not w.endswith("'s")
            )
            if ascii_words:
                return ascii_words
    return tuple(_FALLBACK_WORDS)


def _pick(rng: Rng, options):
    return options[int(rng.integers(len(options)))]


def _cased(rng: Rng, word: str) -> str:
    r = rng.random()
    if r < 0.45:
        return word
    if r < 0.65:
        return word.lower()
    if r < 0.85:
        return word[:1].upper() + word[1:]
    return word.upper()


def dictionary_word(rng: Rng) -> str:
    return _cased(rng, _pick(rng, dictionary()))


def random_letters(rng: Rng) -> str:
    # Pronounceable-free strings: the model must not lean on an English lexicon.
    n = int(rng.integers(1, 13))
    pool = _pick(rng, (string.ascii_lowercase, string.ascii_uppercase, string.ascii_letters, string.ascii_letters + string.digits))
    return "".join(rng.choice(list(pool), n))


def number(rng: Rng) -> str:
    kind = int(rng.integers(6))
    if kind == 0:
        return str(int(rng.integers(0, 10 ** int(rng.integers(1, 8)))))
    if kind == 1:
        return f"{rng.uniform(0, 10 ** int(rng.integers(1, 6))):.{int(rng.integers(1, 4))}f}"
    if kind == 2:
        return f"{int(rng.integers(1000, 10**7)):,}"
    if kind == 3:  # phone numbers
        a, b, c = rng.integers(100, 999), rng.integers(100, 999), rng.integers(1000, 9999)
        return _pick(rng, (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}", f"{a}.{b}.{c}"))
    if kind == 4:
        return f"{rng.uniform(-100, 100):.1f}" + _pick(rng, ("%", "", "x", "+"))
    return "#" + str(int(rng.integers(1, 99999)))


def date_or_time(rng: Rng) -> str:
    y, m, d = int(rng.integers(1950, 2040)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    hh, mm, ss = int(rng.integers(0, 24)), int(rng.integers(0, 60)), int(rng.integers(0, 60))
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return _pick(rng, (
        f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{d}.{m}.{y % 100:02d}", f"{d} {months[m - 1]} {y}",
        f"{hh:02d}:{mm:02d}", f"{hh:02d}:{mm:02d}:{ss:02d}", f"{(hh % 12) + 1}:{mm:02d}{_pick(rng, ('AM', 'PM', 'am', 'pm'))}",
        f"{months[m - 1].upper()}{d:02d}", f"{y}/{m:02d}/{d:02d} {hh:02d}:{mm:02d}",
    ))


def price(rng: Rng) -> str:
    value = rng.uniform(0, 10 ** int(rng.integers(1, 5)))
    return _pick(rng, (f"${value:.2f}", f"{value:.2f}", f"${value:,.2f}", f"{value:.2f}$", f"-{value:.2f}", f"USD{value:.2f}", f"{value:.2f}*"))


def code(rng: Rng) -> str:
    """Serials, plates, SKUs, postcodes: letters and digits in blocks."""
    blocks = []
    for _ in range(int(rng.integers(1, 4))):
        pool = _pick(rng, (string.ascii_uppercase, string.digits, string.ascii_uppercase + string.digits))
        blocks.append("".join(rng.choice(list(pool), int(rng.integers(1, 6)))))
    return _pick(rng, ("-", " ", "", "/", ".", "_"))[:1].join(blocks)


def email_or_url(rng: Rng) -> str:
    words = dictionary()
    a = _pick(rng, words).lower().replace("'", "")
    b = _pick(rng, words).lower().replace("'", "")
    tld = _pick(rng, ("com", "org", "net", "io", "co.uk", "de", "edu"))
    return _pick(rng, (
        f"{a}@{b}.{tld}", f"{a}.{b}{int(rng.integers(100))}@mail.{tld}", f"www.{a}.{tld}",
        f"https://{a}.{tld}/{b}", f"http://{b}.{tld}", f"{a}.{tld}", f"@{a}_{b}", f"#{a}",
    ))


def punctuated_word(rng: Rng) -> str:
    word = dictionary_word(rng)
    return _pick(rng, (
        f"{word},", f"{word}.", f"({word})", f'"{word}"', f"'{word}'", f"{word}!", f"{word}?", f"{word}:",
        f"{word};", f"[{word}]", f"{word}-", f"-{word}", f"{word}...", f"<{word}>", f"{{{word}}}", f"*{word}*",
    ))


def random_printable(rng: Rng) -> str:
    # Every printable character, space excepted, so rare symbols ($ ~ ^ | ` \) are seen too.
    return "".join(rng.choice(list(PRINTABLE_ASCII[1:]), int(rng.integers(1, 10))))


WORD_GENERATORS: tuple[tuple[Generator, float], ...] = (
    (dictionary_word, 0.42),
    (punctuated_word, 0.12),
    (random_letters, 0.10),
    (number, 0.09),
    (date_or_time, 0.06),
    (price, 0.05),
    (code, 0.07),
    (email_or_url, 0.04),
    (random_printable, 0.05),
)


def word(rng: Rng) -> str:
    generators, weights = zip(*WORD_GENERATORS)
    return generators[int(rng.choice(len(generators), p=np.array(weights) / sum(weights)))](rng)


def line(rng: Rng, max_words: int = 10) -> str:
    """A text line: words and tokens joined by single spaces, like a line of prose or a receipt."""
    n = int(rng.integers(2, max_words + 1))
    tokens = [word(rng) for _ in range(n)]
    text = " ".join(tokens)
    if rng.random() < 0.3:
        text = text[:1].upper() + text[1:] + _pick(rng, (".", ",", ";", ":", ""))
    return text
