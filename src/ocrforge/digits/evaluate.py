"""`ocrforge eval digits`: a single-digit model's error on MNIST-form digits (centred, translated or
cluttered), or a house-number reader's whole-number accuracy on any labelled set."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ocrforge.data.mnist_variants import load_digits, variant_set
from ocrforge.data.readers import open_dataset
from ocrforge.digits.house import HouseNumberReader
from ocrforge.digits.reader import DigitReader
from ocrforge.preprocess import cut_around_digits

TEST_SEED = 2014  # places the test digits (and their clutter) for the translated and cluttered variants


@dataclass(frozen=True)
class DigitReport:
    n: int
    errors: int
    images_per_s: float
    confusions: list[tuple[int, int, int]]  # (true, predicted, count), most frequent first

    @property
    def error_rate(self) -> float:
        return self.errors / self.n

    def as_dict(self) -> dict:
        return {"n": self.n, "errors": self.errors, "error_rate": round(self.error_rate, 5),
                "images_per_s": round(self.images_per_s, 1),
                "confusions": [{"true": t, "predicted": p, "count": c} for t, p, c in self.confusions]}


def evaluate_digits(reader: DigitReader, spec: str, variant: str, limit: int | None = None) -> DigitReport:
    """Reads every digit of `spec` (28x28 MNIST-form) shown as `variant` and counts the mistakes."""
    images, labels = load_digits(open_dataset(spec, limit))
    inputs = variant_set(images, variant, TEST_SEED)
    if inputs.shape[1] != reader.image_size:
        raise ValueError(f"the model reads {reader.image_size}x{reader.image_size} images; variant {variant!r} is "
                         f"{inputs.shape[1]}x{inputs.shape[1]}")
    start = time.perf_counter()
    probs, _ = reader.classify(inputs)
    seconds = time.perf_counter() - start
    predicted = probs.argmax(1)
    wrong = predicted != labels
    pairs, counts = np.unique(np.stack([labels[wrong], predicted[wrong]], 1), axis=0, return_counts=True) if wrong.any() else ([], [])
    confusions = sorted(((int(t), int(p), int(c)) for (t, p), c in zip(pairs, counts)), key=lambda x: -x[2])[:10]
    return DigitReport(len(labels), int(wrong.sum()), len(labels) / seconds, confusions)


def format_digit_report(report: DigitReport, title: str) -> str:
    lines = [f"{title}: {report.n} digits, {report.images_per_s:.0f} images/s",
             f"  error   {report.error_rate:.2%} ({report.errors} wrong)", "  most frequent confusions (true -> predicted):"]
    lines += [f"    {t} -> {p}  {c}" for t, p, c in report.confusions]
    return "\n".join(lines)


@dataclass(frozen=True)
class HouseReport:
    n: int
    correct: int
    images_per_s: float  # preparing the images included
    by_length: dict[int, tuple[int, float]]  # digits in the true number -> (count, accuracy)
    mistakes: list[tuple[str, str, str]]  # (source, truth, read), the first few

    @property
    def accuracy(self) -> float:
        return self.correct / self.n

    def as_dict(self) -> dict:
        return {"n": self.n, "accuracy": round(self.accuracy, 5), "images_per_s": round(self.images_per_s, 1),
                "by_length": {str(k): {"n": n, "accuracy": round(a, 4)} for k, (n, a) in sorted(self.by_length.items())},
                "mistakes": [{"source": s, "truth": t, "read": r} for s, t, r in self.mistakes]}


def evaluate_house_numbers(reader: HouseNumberReader, spec: str, limit: int | None = None) -> HouseReport:
    """Whole-number accuracy of a house-number reader on a labelled set (e.g. folder:DIR, svhn_full:PATH)."""
    samples = list(open_dataset(spec, limit))
    if not samples:
        raise ValueError(f"{spec}: no samples")
    start = time.perf_counter()
    # Sets with digit boxes (SVHN's full numbers) are read cut around their digits, as they are trained on.
    readings = reader.read([cut_around_digits(s.image, np.asarray(s.boxes))[0] if s.boxes else s.image for s in samples])
    seconds = time.perf_counter() - start
    right = [r.digits == s.text for r, s in zip(readings, samples)]
    lengths: dict[int, list[bool]] = {}
    for ok, s in zip(right, samples):
        lengths.setdefault(len(s.text), []).append(ok)
    mistakes = [(s.source, s.text, r.digits) for ok, r, s in zip(right, readings, samples) if not ok][:10]
    return HouseReport(len(samples), sum(right), len(samples) / seconds,
                       {k: (len(v), sum(v) / len(v)) for k, v in lengths.items()}, mistakes)


def format_house_report(report: HouseReport, title: str) -> str:
    lines = [f"{title}: {report.n} images, {report.images_per_s:.0f} images/s",
             f"  whole-number accuracy  {report.accuracy:.2%}", "  by number of digits:"]
    lines += [f"    {k} digits  n={n:<5d} {a:.2%}" for k, (n, a) in sorted(report.by_length.items())]
    lines += ["  first mistakes (truth -> read):"] + [f"    {t} -> {r or '∅'}  {s}" for s, t, r in report.mistakes]
    return "\n".join(lines)
