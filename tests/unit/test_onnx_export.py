import json

import numpy as np
import onnxruntime as ort
import pytest
import torch

from ocrforge.export.onnx import (
    attention_difference,
    export_attention,
    export_detector,
    export_digits,
    export_model,
    max_abs_difference,
)
from ocrforge.models.registry import create, names
from ocrforge.runtime.detector import Detector
from ocrforge.runtime.recognizer import Recognizer


# CTC recognizers export as one graph; attention ones as two (tests/unit/test_attention.py).
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


def test_export_leaves_a_trained_model_as_it_was(tmp_path):
    """Batch norms whose statistics are not the defaults (as after training) must come out of an export
    in eval mode and unchanged: the exporter restores the mode it found its wrapper in."""
    torch.manual_seed(0)
    model = create("attention", max_length=8).eval()
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    path = export_attention(model, "attention", tmp_path / "a.onnx")
    assert not model.training
    images = (np.random.default_rng(0).random((2, 1, 32, 120)) * 255).astype(np.float32)
    assert attention_difference(model, path, images) < 1e-4
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("arch", names("digits"))
def test_digit_models_match_pytorch(arch, tmp_path):
    torch.manual_seed(0)
    model = create(arch).eval()
    path = export_digits(model, arch, tmp_path / f"{arch}.onnx")
    height, width = (model.config.image_size,) * 2 if arch == "ram" else (model.config.height, model.config.width)
    images = (np.random.default_rng(0).random((3, 1, height, width)) * 255).astype(np.float32)
    probs, locations = ort.InferenceSession(str(path)).run(None, {"images": images})
    with torch.no_grad():
        out = model(torch.from_numpy(images))
    assert np.abs(probs - torch.softmax(out["logits"], -1).numpy()).max() < 1e-4
    assert np.abs(locations - out["locations"].numpy()).max() < 1e-4
