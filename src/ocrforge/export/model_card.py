"""A model card written beside each exported model, from what its checkpoint recorded."""

from __future__ import annotations

import ast
from dataclasses import asdict
from pathlib import Path

from ocrforge.data.synth.recipe import TRAINING
from ocrforge.text.charset import PRINTABLE_ASCII

INPUTS = {  # by architecture where it has its own input, else by task
    "recognizer": "- Input: grayscale crop scaled to 32 px high (width follows the aspect ratio), 1-99 percentile contrast stretch; "
                  "output: per-frame probabilities over the CTC blank + 95 printable ASCII characters.",
    "attention": "- Input: grayscale crop scaled to 32 px high (width follows the aspect ratio), 1-99 percentile contrast stretch; "
                 "two graphs: the encoder (image and column mask -> memory, keys, first hidden state) and one decoder step "
                 "(previous token, hidden, memory, keys, mask -> probabilities over <pad>, <sos>, <eos> + 95 printable ASCII "
                 "characters, next hidden, attention over the columns), looped by the runtime.",
    "ram": "- Input: grayscale 28x28 (or 60x60) white digit on black, 0..255 (MNIST's form; `ocrforge digits` brings any "
           "photo of a digit to it); output: class probabilities and the glimpse path (x, y in [-1, 1] per glimpse).",
    "dram": "- Input: grayscale 64x128 house-number photo, 0..255, fitted with its aspect kept and contrast stretched "
            "(`ocrforge.preprocess.house_input`); output: per step the probabilities of the digits 0-9 and \"end\", "
            "and the glimpse path (x, y in [-1, 1] per glimpse).",
    "detector": "- Input: RGB image, 0..255, sides scaled to multiples of 32; output: text probability map at half resolution, "
                "turned into word quadrilaterals by `ocrforge.detect.boxes`.",
}


def _data_recipe(task: str, state: dict) -> str:
    lineage = state.get("lineage", [])
    validation = (lineage[-1].get("config") or {}).get("validation") if lineage else None  # what chose the checkpoint
    for_plates = validation == "plates"  # a plate fine-tune
    if task == "recognizer" and for_plates:
        from ocrforge.train.recognizer import PLATE_VALIDATION_SETS

        real, _, _, real_val, shares = _real_sets(lineage)
        return ("Fine-tuned from the general recognizer (the runs above it) on synthetic plate rows "
                "(`ocrforge.data.synth.plates.plate_crop`: UK, EU (with coats of arms and inspection seals between groups), "
                "US-state, Brazilian, numeric, dashed and two-row styles, bold and condensed train faces, angles up to 40°, "
                "dirt, night, glare, blur, detector-like box jitter, boxes run out to the plate's edge on either side), "
                "stream seeds >= 3100 (shards name theirs)"
                + (f", with real plate rows as {'/'.join(f'{s:.0%}' for s in shares)} of every batch in the later runs: "
                   + ", ".join(f"`{spec}`" for spec in real) + " (see the notes for their source and licence)" if real else "")
                + ". Validation: "
                + "; ".join(f"{name} (seed {seed}, {split} faces)" for name, seed, split in PLATE_VALIDATION_SETS)
                + "".join(f"; `{spec}` (real)" for spec in real_val)
                + ("." if real else ". No real image was trained on."))
    if task == "digits" and state.get("arch") == "dram":
        from ocrforge.train.dram import VALIDATION_SEED

        real = sorted({c["real"] for c in (e.get("config") or {} for e in lineage) if c.get("real", "None") != "None"})
        return ("Synthetic house numbers (`ocrforge.data.synth.house_numbers`: 1-5 digits painted on walls and on plaques, "
                "neighbours cut by the frame, blur, perspective, low light; train font split, stream seeds >= 100, "
                "pre-rendered shards named by their seed), a random 15% with inverted polarity"
                + (f", and the real house numbers of {', '.join(real)} cut around their digits" if real else "; no real image")
                + f". Validation: house numbers in holdout faces (seed {VALIDATION_SEED}), never trained on.")
    if task == "digits":
        from ocrforge.train.ram import VALIDATION_SHARE

        variants = sorted({(e.get("config") or {}).get("variant", "centred") for e in lineage}) or ["centred"]
        shown = {"centred": "centred in 28x28", "translated": "placed at random in 60x60",
                 "cluttered": "placed at random in 60x60 with four 8x8 fragments of other digits as clutter"}
        return ("Real handwritten digits: `../shared/data/mnist/mnist_5k.csv.gz` (the 5,000 MNIST training digits the data "
                f"README allows training on), a fixed random {VALIDATION_SHARE:.0%} held out to pick the checkpoint, the rest "
                "augmented afresh every batch (rotation, scale, shear, shift, elastic distortion), then "
                + "; ".join(shown[v] for v in variants if v in shown) + ". The official 10,000 test digits "
                "were never trained or tuned on.")
    if task == "detector" and for_plates:
        from ocrforge.train.detector import PLATE_VALIDATION_SETS

        # The plate runs' own real sets: the text detector's (the runs above) are its own recipe.
        real, _, _, real_val, shares = _real_sets([e for e in lineage if (e.get("config") or {}).get("validation") == "plates"])
        return ("Fine-tuned from the text detector (the runs above it) on synthetic plates "
                "(`ocrforge.data.synth.plates.plate_detection_sample`: loose plate crops and car photos, half each, train "
                "faces, stream seeds >= 3600), each row of a plate's number boxed; captions, EU country codes and shop "
                "signs left as background; random rescaled 384x384 crops"
                + (f"; mixed in ({'/'.join(f'{s:.0%}' for s in shares)} of the crops), real plates and real photos "
                   "(`scripts/plate_scenes.py`: real plate crops, and synthetic plates, laid into real scene photos whose "
                   "own words are painted out, real words beside them as neighbouring print; some real crops bare): "
                   + ", ".join(f"`{path}`" for path in real) + " (see the notes for their source and licence)" if real else "")
                + ". Validation: holdout faces, "
                + "; ".join(f"{n} {kind}s (seed {seed})" for kind, seed, n in PLATE_VALIDATION_SETS)
                + "".join(f"; `{path}` (real plates and photos never trained on)" for path in real_val)
                + ("." if real else ". No real image was trained on."))
    if task == "detector" and validation == "lines":
        lines_runs = [e for e in lineage if (e.get("config") or {}).get("validation") == "lines"]
        real, _, _, real_val, _ = _real_sets(lines_runs)
        return ("Fine-tuned from the text detector (the runs above it) on real handwritten pages alone, each transcribed "
                "line's polygon as one box (the smallest rotated rectangle around it); what the pages hold untranscribed "
                "(stamps, printed forms, later notes) learnt as background; random rescaled 384x384 crops, each turned, "
                "recoloured and degraded afresh: " + ", ".join(f"`{path}`" for path in real)
                + " (see the notes for their source and licence). Validation, by line H-mean at IoU 0.5: "
                + "; ".join(f"`{path}` (real pages, hands never trained on)" for path in real_val) + ".")
    if task == "detector":
        from ocrforge.train.detector import VALIDATION_SETS as DETECTOR_SETS

        real, _, _, real_val, shares = _real_sets(lineage)
        synthetic = ("Synthetic (`ocrforge.data.synth.scenes`): scenes 50%, pages 20%, phone photos of pages 30%, train font "
                     "split, stream seeds >= 2000, random rescaled 384x384 crops.")
        if real:
            synthetic += (f" Mixed in ({'/'.join(f'{s:.0%}' for s in shares)} of the crops), real images, each crop turned, "
                          "recoloured and degraded afresh: " + ", ".join(f"`{path}`" for path in real) + ".")
        return (synthetic + " Validation: whole images with holdout fonts, "
                + "; ".join(f"{n} {kind}s (seed {seed})" for kind, seed, n in DETECTOR_SETS)
                + "".join(f"; `{path}` (real)" for path in real_val) + "." + ("" if real else " No real image was trained on."))
    from ocrforge.train.recognizer import VALIDATION_SETS

    real, caseless, handwritten, real_val, shares = _real_sets(lineage)
    synthetic = ("Synthetic (`ocrforge.data.synth`), training stream seeds >= 1000, train font split; recipe "
                 f"`{asdict(TRAINING)}` (`real_look` 0 in the stages trained before 2026-12-06).")
    if real or caseless or handwritten:
        named = ([f"`{spec}`" for spec in real] + [f"`{spec}` (caseless: upper-case labels scored in either case)" for spec in caseless]
                 + [f"`{spec}` (handwritten: also slanted, stretched, pen width and elastic bends varied)" for spec in handwritten])
        synthetic += (f" Mixed in ({'/'.join(f'{s:.0%}' for s in shares)} of every batch), real crops augmented on every draw: "
                      + ", ".join(named) + ".")
    if validation == "lines":  # handwriting: the real lines alone
        sets = "; ".join(f"`{spec}` (real, by character error rate)" for spec in real_val)
    else:
        sets = "; ".join(f"{name} (seed {seed}, fonts {recipe.fonts})" for name, seed, recipe in VALIDATION_SETS)
        sets += "".join(f"; `{spec}` (real)" for spec in real_val)
    return synthetic + " Validation sets: " + sets + "." + ("" if real or caseless or handwritten else " No real image was trained on.")


def _inputs(state: dict, task: str) -> str:
    """The input line of the card; a recognizer reading more than ASCII names what it reads beyond it."""
    text = INPUTS.get(state["arch"], INPUTS.get(task, ""))
    lineage = state.get("lineage", [])
    if task == "detector" and lineage and (lineage[-1].get("config") or {}).get("validation") == "lines":
        text = text.replace("word quadrilaterals", "text-line quadrilaterals")
    text = text.replace("scaled to 32 px high", f"scaled to {state['model_args'].get('input_height', 32)} px high")
    charset = state["model_args"].get("charset", PRINTABLE_ASCII)
    if charset.startswith(PRINTABLE_ASCII) and len(charset) > len(PRINTABLE_ASCII):
        text = text.replace("95 printable ASCII characters",
                            f"95 printable ASCII characters and {len(charset) - len(PRINTABLE_ASCII)} more: "
                            f"{charset[len(PRINTABLE_ASCII):]}")
    return text


def _real_sets(lineage: list[dict]) -> tuple[list[str], list[str], list[str], list[str], list[float]]:
    """The real sets every training run mixed in (plain, caseless, handwritten), validated on, and their
    shares, in order of first use; a config records each as the str() of a tuple."""
    real, caseless, handwritten, real_val, shares = [], [], [], [], []
    mixed_in = (("real", real), ("real_caseless", caseless), ("real_handwritten", handwritten))
    for entry in lineage:
        config = entry.get("config") or {}
        for key, found in (*mixed_in, ("real_val", real_val)):
            found += [spec for spec in ast.literal_eval(config.get(key, "()")) if spec not in found]
        if any(config.get(key, "()") != "()" for key, _ in mixed_in):
            share = float(config.get("real_share", 0.5))
            shares += [share] if share not in shares else []
    return real, caseless, handwritten, real_val, shares


def _on(session: dict) -> str:
    return f" on {session['device']}" if "device" in session else ""


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h"


def model_card(state: dict, onnx_path: Path, parameters: int, task: str = "recognizer", half: bool = True) -> str:
    lineage = state.get("lineage", [])
    lines = [
        f"# {onnx_path.name}",
        "",
        f"- Architecture: `{state['arch']}`, {parameters:,} parameters, ONNX file {onnx_path.stat().st_size / 1e6:.1f} MB"
        + (" (weights stored in half precision, computed in float32)." if half else " (float32 weights)."),
        f"- Model arguments: `{ {k: v for k, v in state['model_args'].items() if k != 'charset'} }`",
        _inputs(state, task),
        f"- Total training: {sum(s.get('steps', 0) - s.get('started_at_step', 0) for s in lineage):,} optimisation steps, "
        f"{_hours(sum(s.get('wall_seconds', 0) for s in lineage))} wall time (a 2-core CPU unless a run below names its device).",
        "",
        "## How it was trained",
        "",
    ]
    for i, session in enumerate(lineage, 1):
        lines += [
            f"{i}. `{session.get('command', '(not recorded)')}`",
            f"   - steps {session.get('started_at_step', 0)} to {session.get('steps', '?')}, "
            f"{_hours(session.get('wall_seconds', 0))}{_on(session)}; data: {session.get('source', 'pre-rendered shards')}",
        ]
    lines += [
        "",
        "## Data recipe",
        "",
        _data_recipe(task, state),
        "",
        "## Validation during training (last 5 evaluations)",
        "",
    ]
    history = state.get("history", [])[-5:]
    if history:
        keys = list(history[-1])
        lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(str(h.get(k, "")) for k in keys) + " |" for h in history]
    if task != "digits":
        lines += ["", "Benchmarks against Tesseract and RapidOCR: see the README and `benchmarks/results/`."]
    lines.append("")
    return "\n".join(lines)
