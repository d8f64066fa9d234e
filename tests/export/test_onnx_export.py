import json

import numpy as np
import onnxruntime as ort
import pytest
import torch

from ocrforge.export.onnx import export_detector, export_model, max_abs_difference
from ocrforge.models.registry import create, names
from ocrforge.runtime.detector import Detector
from ocrforge.runtime.recognizer import Recognizer



# CTC recognizers export as one graph; attention ones as two (tests/models/test_attention.py).
@pytest.mark.parametrize("arch", [a for a in names("recognizer") if not hasattr(create(a), "step")])
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


@pytest.mark.parametrize("arch", names("detector"))
def test_detector_onnx_matches_pytorch_at_several_sizes(arch, tmp_path):
    torch.manual_seed(0)
    model = create(arch).eval()
    path = export_detector(model, arch, tmp_path / f"{arch}.onnx")
    rng = np.random.default_rng(0)
    for batch, height, width in ((1, 64, 96), (2, 160, 128)):
        images = (rng.random((batch, 3, height, width)) * 255).astype(np.float32)
        assert max_abs_difference(model, path, images) < 1e-4
    detector = Detector(path)
    assert detector.output_stride == model.output_stride
    prob, _ = detector.probability_map(np.zeros((100, 150, 3), np.uint8))
    assert prob.shape == (96 // 2, 160 // 2)


def test_a_recognizer_is_refused_as_a_detector(tmp_path):
    path = export_model(create("crnn").eval(), "crnn", tmp_path / "m.onnx")
    with pytest.raises(ValueError, match="not an ocrforge detector"):
        Detector(path)
