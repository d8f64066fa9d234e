"""`ocrforge eval recognizer`: read a labelled set with a recognizer and print the report."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ocrforge.data.readers import open_dataset
from ocrforge.eval.recognition import RecognitionReport, report
from ocrforge.runtime.recognizers import load_recognizer, word_list_for
from ocrforge.runtime.upright import detector_for, recognize_upright


def format_report(rep: RecognitionReport, title: str) -> str:
    s = rep.scores
    lines = [
        f"{title}: {s.n} crops, {rep.crops_per_s:.1f} crops/s",
        f"  word accuracy       {s.word_accuracy:.2%} exact, {s.word_accuracy_alnum:.2%} case-insensitive alphanumeric",
    ]
    if rep.lexicon_accuracy is not None:
        lines.append(f"  with lexicon        {rep.lexicon_accuracy:.2%}")
    lines += [f"  CER                 {s.cer:.2%}", f"  1-NED               {s.one_minus_ned:.4f}", "  accuracy by length:"]
    lines += [f"    {length:3d} chars  n={n:<5d} {acc:.2%}" for length, (n, acc) in sorted(rep.by_length.items())]
    lines.append("  most frequent confusions (reference -> predicted):")
    lines += [f"    {r or '∅'!r:>6} -> {p or '∅'!r:<6} {c}" for r, p, c in rep.confusions]
    return "\n".join(lines)


def evaluate_recognizer(spec: str, model: Path | str | None, limit: int | None, ignore_spaces: bool, decoder: str, as_json: bool,
                        lexicon: str | None = None, orientation: str = "auto") -> int:
    """Read the set `spec` with `model` and print the report; `orientation` "auto" reads tall crops turned
    and unsure ones straightened too (runtime.upright), "none" every crop as it is."""
    try:
        recognizer = load_recognizer(model)
        words = word_list_for(recognizer, lexicon)
        samples = list(tqdm(open_dataset(spec, limit), desc="read", unit="crop", disable=as_json))
    except (ValueError, FileNotFoundError, ImportError) as err:
        print(f"ocrforge eval: {err}", file=sys.stderr)
        return 2
    if not samples:
        print(f"ocrforge eval: {spec}: no samples", file=sys.stderr)
        return 2
    start = time.perf_counter()
    if orientation == "auto":
        readings = recognize_upright(recognizer, [s.image for s in samples], decoder, lexicon=words, detector=detector_for(model))
    else:
        readings = recognizer.recognize_prepared([recognizer.prepare(s.image) for s in samples], decoder, lexicon=words)
    predictions = [r.text for r in readings]
    seconds = time.perf_counter() - start
    rep = report(predictions, [s.text for s in samples], seconds, [s.source for s in samples],
                 [s.lexicon for s in samples], ignore_spaces)
    if as_json:
        print(json.dumps({"data": spec, "model": str(recognizer.model_path), **rep.as_dict()}))
    else:
        print(format_report(rep, spec))
    return 0
