"""A command whose optional packages are not installed names the extra to install, in one sentence:
no traceback. The packages are hidden by stand-ins that fail to import, as a missing one would."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = [  # (command line, the package it needs, the extra that brings it)
    (["serve", "--db", "{tmp}/media.db"], "fastapi", "serve"),
    (["train", "recognizer", "--out", "{tmp}/run", "--steps", "1"], "torch", "train"),
    (["train", "detector", "--shards", "{tmp}", "--out", "{tmp}/run"], "torch", "train"),
    (["export", "{tmp}/model.pt", "--out", "{tmp}/model.onnx"], "torch", "train"),
    (["index", "{tmp}", "--db", "{tmp}/media.db", "--engine", "ray"], "ray", "ray"),
    (["read", "--lexicon", "english", "{tmp}/photo.png"], "wordfreq", "lexicon"),
]


@pytest.mark.parametrize("argv, package, extra", COMMANDS, ids=[" ".join(c[0][:2]) for c in COMMANDS])
def test_a_missing_extra_is_named_with_its_install_command(argv, package, extra, tmp_path):
    hidden = tmp_path / "hidden"
    (hidden / package).mkdir(parents=True)
    (hidden / package / "__init__.py").write_text(f"raise ModuleNotFoundError(\"No module named '{package}'\", name='{package}')\n")
    (tmp_path / "photo.png").write_bytes(b"")  # something for index to find
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "ocrforge", *(a.format(tmp=tmp_path) for a in argv)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"pip install 'ocrforge[{extra}]'" in done.stderr and package in done.stderr
    assert "Traceback" not in done.stderr
