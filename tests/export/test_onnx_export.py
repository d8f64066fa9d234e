import json

import numpy as np
import onnxruntime as ort
import pytest
import torch

from ocrforge.export.onnx import export_model, max_abs_difference
from ocrforge.models.registry import create, names
from ocrforge.runtime.recognizer import Recognizer


@pytest.mark.parametrize("arch", names())
def test_onnx_matches_pytorch_at_several_widths_and_batch_sizes(arch, tmp_path):
    torch.manual_seed(0)
    model = create(arch).eval()
    path = export_model(model, arch, tmp_path / f"{arch}.onnx")
    rng = np.random.default_rng(0)
    for batch, width in ((1, 40), (3, 96), (5, 333)):
        images = (rng.random((batch, 1, 32, width)) * 255).astype(np.float32)
        assert max_abs_difference(model, path, images) < 1e-4


def test_metadata_describes_the_model(tmp_path):
    model = create("crnn").eval()
    path = export_model(model, "crnn", tmp_path / "m.onnx")
    meta = ort.InferenceSession(str(path)).get_modelmeta().custom_metadata_map
    assert json.loads(meta["charset"]) == model.config.charset
    assert meta["input_height"] == "32" and meta["width_stride"] == "4"
    recognizer = Recognizer(path)
    assert recognizer.info.charset.chars == model.config.charset
