"""The house-number reader (DRAM): targets, decoding, its input, and a few training steps."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from ocrforge.data.readers import Sample
from ocrforge.models.dram import DRAM, DRAMConfig
from ocrforge.preprocess import house_input
from ocrforge.text.digits import END, decode_steps
from ocrforge.train.config import DRAMTrainConfig, RunConfig
from ocrforge.train.dram import IGNORE, real_house_number, sequence_targets
from ocrforge.train.session import TrainingSession

TINY = DRAMConfig(height=32, width=64, patch=8, scales=2, glimpses_per_digit=1, max_digits=3, hidden=32)


def test_sequence_targets_end_after_the_digits_and_ignore_the_rest():
    boxes = np.full((2, 5, 4), np.nan, np.float32)
    boxes[0, :2] = [[0, 0, 32, 64], [64, 0, 32, 64]]
    boxes[1, :1] = [[48, 16, 32, 32]]
    labels, centres = sequence_targets(["47", "9"], boxes, steps=4, height=64, width=128)
    assert labels.tolist() == [[4, 7, END, IGNORE], [9, END, IGNORE, IGNORE]]
    assert np.allclose(centres[0, 0], [-0.75, 0.0]) and np.allclose(centres[0, 1], [0.25, 0.0])
    assert np.allclose(centres[1, 0], [0.0, 0.0])
    with pytest.raises(ValueError, match="more digits"):
        sequence_targets(["1234"], boxes[:1], steps=4, height=64, width=128)


def test_decode_stops_at_the_first_end():
    probs = np.full((4, 11), 0.01)
    for step, cls in enumerate([3, 0, END, 5]):
        probs[step, cls] = 0.9
    digits, confidence = decode_steps(probs)
    assert digits == "30"
    assert confidence == pytest.approx(0.9**3)
    probs[0] = 0.01
    probs[0, END] = 0.9
    assert decode_steps(probs)[0] == ""


def test_house_input_keeps_the_aspect_and_stretches_contrast():
    image = np.full((50, 50, 3), 120, np.uint8)
    image[10:40, 20:30] = 140  # a faint digit
    out = house_input(image, 64, 128)
    assert out.shape == (64, 128) and out.dtype == np.uint8
    assert out.max() == 255 and out.min() == 0  # 1-99 percentile stretch
    columns = np.nonzero(out.max(axis=0) == 255)[0]
    assert 64 - 15 < columns.mean() < 64 + 15  # the square image sits in the middle, not stretched across
    assert columns.max() - columns.min() < 20


def test_forward_shapes_and_a_few_steps_lower_the_classification_loss():
    torch.manual_seed(0)
    model = DRAM(TINY)
    images = torch.zeros(8, 1, 32, 64)
    images[:4, :, 8:24, 10:20] = 255  # "1" on the left
    images[4:, :, 8:24, 40:50] = 255  # "2" on the right
    labels = torch.tensor([[1, END, IGNORE, IGNORE]] * 4 + [[2, END, IGNORE, IGNORE]] * 4)
    centres = torch.zeros(8, 4, 2)
    out = model.eval()(images)
    assert out["logits"].shape == (8, 4, 11) and out["locations"].shape == (8, 4, 2)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(40):
        out = model.train()(images, {"labels": labels, "centres": centres, "box_weight": 0.5})
        optimiser.zero_grad()
        out["loss"].backward()
        optimiser.step()
        losses.append(torch.nn.functional.cross_entropy(out["logits"].flatten(0, 1), labels.flatten(), ignore_index=IGNORE).item())
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])


@pytest.mark.slow
def test_box_guidance_pulls_the_glimpses_to_the_digits():
    torch.manual_seed(0)
    model = DRAM(TINY)
    images = torch.rand(4, 1, 32, 64) * 255
    labels = torch.tensor([[5, END, IGNORE, IGNORE]] * 4)
    target = torch.tensor([0.6, -0.4])
    centres = torch.zeros(4, 4, 2)
    centres[:, 0] = target
    optimiser = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(150):
        out = model.train()(images, {"labels": labels, "centres": centres, "box_weight": 5.0})
        optimiser.zero_grad()
        out["loss"].backward()
        optimiser.step()
    first = model.eval()(images)["locations"][:, 0]
    assert torch.all((first - target).abs() < 0.2)


def test_real_house_numbers_are_cut_around_their_digits_with_the_boxes_carried_along():
    photo = np.full((300, 400, 3), 200, np.uint8)
    boxes = ((150, 120, 20, 40), (175, 122, 22, 40))
    for x, y, w, h in boxes:
        photo[y : y + h, x : x + w] = 0  # a dark block where each digit's box is
    cut, mapped = real_house_number(Sample(photo, "42", "photo.png", boxes=boxes))
    assert cut.shape == (64, 128) and cut.dtype == np.uint8
    assert np.isnan(mapped[2:]).all()
    for x, y, w, h in mapped[:2]:
        inside = cut[int(np.ceil(y)) + 1 : int(y + h) - 1, int(np.ceil(x)) + 1 : int(x + w) - 1]
        assert inside.size and inside.max() < 40  # the digit's block lands in its mapped box
    ink = np.argwhere(cut < 100)
    assert 0 < ink[:, 1].min() and ink[:, 1].max() < 127 and 0 < ink[:, 0].min() and ink[:, 0].max() < 63  # margin kept
    with pytest.raises(ValueError, match="no digit boxes"):
        real_house_number(Sample(photo, "42", "plain.png"))


def test_a_wider_glimpse_network_started_from_a_narrower_one_reads_as_it_did(tmp_path):
    torch.manual_seed(0)
    narrow = DRAM(TINY).eval()
    torch.save({"model": narrow.state_dict(), "step": 10, "arch": "dram"}, tmp_path / "parent.pt")
    wide = DRAM(replace(TINY, what_channels=[48, 96, 80]))  # a list, as JSON model arguments give it
    run = RunConfig(out=tmp_path / "run", steps=10, batch_size=6, lr=1e-3, val_every=10, warmup=1, weight_decay=0.0,
                    init_from=tmp_path / "parent.pt", device="cpu")
    session = TrainingSession(run, "dram", wide, DRAMTrainConfig(run=run, shards=tmp_path))
    assert wide.config.what_channels == (48, 96, 80)
    assert wide.what[3].weight.shape == (96, 48, 3, 3)
    images = torch.rand(6, 1, 32, 64) * 255
    with torch.no_grad():
        assert torch.allclose(wide.eval()(images)["logits"], narrow(images)["logits"], atol=1e-5)
    # The new channels are not dead: a step gives the old units weight on them.
    old_first, old_second, _ = narrow.config.what_channels
    from_new_channels = wide.what[3].weight[:old_second, old_first:]
    assert not from_new_channels.any()
    loss = wide.train()(images, {"labels": torch.tensor([[1, END, IGNORE, IGNORE]] * 6)})["loss"]
    session.optimise(loss)
    assert from_new_channels.any()
    # Three convolutions with their biases, and the linear layer after them.
    assert "7 of them widened" in (tmp_path / "run" / "train.log").read_text()
