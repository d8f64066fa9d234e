"""Attention-OCR: tokenizer, masking, maximum length, beam search, ONNX parity, --explain."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from ocrforge.export.onnx import attention_difference, decoder_path, export_attention
from ocrforge.models.registry import create
from ocrforge.runtime.attention import AttentionRecognizer
from ocrforge.runtime.recognizers import load_recognizer
from ocrforge.text.attention_decode import beam_search, greedy
from ocrforge.text.charset import Charset
from ocrforge.text.tokens import Tokenizer


def test_tokenizer_owns_the_special_tokens():
    tokenizer = Tokenizer()
    tokens = tokenizer.encode("Hi!")
    assert tokens[-1] == Tokenizer.EOS and min(tokens[:-1]) >= Tokenizer.FIRST_CHAR
    assert tokenizer.decode([Tokenizer.SOS, *tokens, 40, 41]) == "Hi!"  # stops at <eos>, skips <sos>
    with pytest.raises(ValueError, match="'é'"):
        tokenizer.encode("café")
    charset = Charset()
    labels = np.array(charset.encode("ab") + charset.encode("xyz"))
    targets = tokenizer.targets_from_ctc(labels, np.array([2, 3]))
    assert [tokenizer.decode(row) for row in targets] == ["ab", "xyz"]
    assert targets.shape == (2, 4) and targets[0, 2] == Tokenizer.EOS and targets[0, 3] == Tokenizer.PAD


def test_padding_columns_get_no_attention_and_decoding_stops_at_max_length():
    torch.manual_seed(0)
    model = create("attention", max_length=7).eval()
    images = torch.rand(2, 1, 32, 96) * 255
    with torch.no_grad():
        out = model(images, widths=torch.tensor([96, 40]))
    assert out["tokens"].shape[1] <= 7
    attention = out["attention"][1]  # the 40-pixel crop: 10 real columns of 24
    assert float(attention[:, 10:].max()) < 1e-6
    assert torch.allclose(attention.sum(1), torch.ones(attention.shape[0]), atol=1e-5)


def _toy_step(table: dict[tuple[int, ...], dict[int, float]], vocabulary: int = 6):
    """A decoder whose next-token probabilities depend only on the tokens so far (kept in the state)."""
    def step(previous: np.ndarray, state: np.ndarray):
        histories = [tuple(int(t) for t in row if t >= 0) + ((int(p),) if p != Tokenizer.SOS else ()) for row, p in zip(state, previous)]
        probs = np.full((len(previous), vocabulary), 1e-6)
        for k, history in enumerate(histories):
            for token, p in table.get(history, {Tokenizer.EOS: 1.0}).items():
                probs[k, token] = p
        new_state = np.full((len(previous), 8), -1)
        for k, history in enumerate(histories):
            new_state[k, :len(history)] = history
        return probs, new_state, np.ones((len(previous), 3)) / 3
    return step


def test_beam_search_finds_the_likelier_reading_greedy_misses():
    a, b, c = 3, 4, 5  # tokens of the characters chars[0..2]
    table = {(): {a: 0.55, b: 0.45}, (a,): {b: 0.35, c: 0.35, Tokenizer.EOS: 0.3}, (b,): {Tokenizer.EOS: 0.99}}
    tokenizer = Tokenizer("xyz")
    start = np.full((1, 8), -1)
    assert greedy(_toy_step(table), start, tokenizer, 5)[0].decoded.text in ("xy", "xz")
    best = beam_search(_toy_step(table), start, tokenizer, 5, beam_width=3)
    assert best.decoded.text == "y" and best.decoded.char_confidences == pytest.approx((0.45,))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(1)
    model = create("attention", max_length=12).eval()
    path = export_attention(model, "attention", tmp_path_factory.mktemp("attention") / "tiny.onnx")
    return model, path


def test_onnx_graphs_match_pytorch_and_need_no_torch_to_run(exported):
    model, path = exported
    assert decoder_path(path).is_file()
    images = (np.random.default_rng(0).random((3, 1, 32, 120)) * 255).astype(np.float32)
    assert attention_difference(model, path, images) < 1e-4
    recognizer = load_recognizer(path)
    assert isinstance(recognizer, AttentionRecognizer)
    crops = [images[i, 0].astype(np.uint8) for i in range(3)]
    with torch.no_grad():
        expected = model(torch.from_numpy(np.stack([c[None].astype(np.float32) for c in crops])))["tokens"].numpy()
    got = recognizer.read_prepared(crops)
    assert [r.decoded.text for r in got] == [model.tokenizer.decode(row) for row in expected]
    assert all(r.attention.shape == (len(r.decoded.text), 30) for r in got)
    assert len(recognizer.recognize_prepared(crops, decoder="beam")) == 3


def test_explain_writes_one_picture_per_crop(exported, tmp_path):
    _, path = exported
    for name in ("a", "b"):
        Image.fromarray((np.random.default_rng(len(name)).random((40, 120)) * 255).astype(np.uint8)).save(tmp_path / f"{name}.png")
    out = tmp_path / "explain"
    result = subprocess.run([sys.executable, "-m", "ocrforge", "recognize", str(tmp_path / "a.png"), str(tmp_path / "b.png"),
                             "--model", str(path), "--explain", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pictures = sorted(p.name for p in out.iterdir())
    assert pictures == ["a.attention.png", "b.attention.png"]
    lines = result.stdout.splitlines()
    picture = Image.open(out / "a.attention.png")
    characters = len(lines[0].split("\t", 1)[1])
    assert picture.height == (64 + 2) * (1 + characters)  # the crop, then one strip per character read
