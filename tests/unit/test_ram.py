"""The recurrent attention model: its retina, its policy, its loss, and a few training steps."""

import numpy as np
import pytest
import torch

from ocrforge.data.mnist_variants import CLUTTER_PIECES, clutter, elastic_affine, place, training_batch, variant_set
from ocrforge.models.ram import RAM, RAMConfig, hybrid_loss, retina


def _square_digit(value: int = 255) -> np.ndarray:
    digit = np.zeros((28, 28), np.uint8)
    digit[8:20, 10:18] = value
    return digit


def test_retina_scales_are_centred_on_the_location_and_zero_outside():
    image = torch.zeros(1, 1, 32, 32)
    image[0, 0, 12:20, 12:20] = 1.0  # an 8x8 square at the centre
    glimpse = retina(image, torch.zeros(1, 2), patch=8, scales=2)
    assert glimpse.shape == (1, 2, 8, 8)
    assert torch.allclose(glimpse[0, 0], torch.ones(8, 8))  # the fine scale sees only the square
    assert torch.allclose(glimpse[0, 1, 2:6, 2:6], torch.ones(4, 4))  # the coarse scale: the square in its middle
    assert glimpse[0, 1, 0].abs().max() == 0
    corner = retina(image, torch.tensor([[-1.0, -1.0]]), patch=8, scales=1)
    assert corner[0, 0, :4, :4].abs().max() == 0  # beyond the image's top-left corner: zeros


def test_forward_shapes_and_deterministic_policy_in_eval():
    model = RAM(RAMConfig(glimpses=4, hidden=32)).eval()
    images = torch.rand(3, 1, 28, 28) * 255
    out = model(images)
    assert out["logits"].shape == (3, 10)
    assert out["locations"].shape == (3, 4, 2)
    assert torch.all(out["locations"][:, 0] == 0)  # the first glimpse is at the centre
    assert torch.all(out["locations"].abs() <= 1)
    assert torch.equal(model(images)["locations"], out["locations"])
    sampled = model(images, sample=True)["locations"]
    assert not torch.equal(sampled[:, 1:], out["locations"][:, 1:])


def test_reinforce_moves_the_policy_towards_rewarded_locations():
    mean = torch.zeros(1, 2, requires_grad=True)
    location = torch.tensor([[0.5, -0.5]])
    log_prob = torch.distributions.Normal(mean, 0.1).log_prob(location).sum(1)
    logits = torch.tensor([[5.0, 0.0]])  # class 0 predicted: right, so the reward is 1
    loss = hybrid_loss(logits, torch.tensor([0]), [log_prob], torch.zeros(1, 2))
    loss.backward()
    assert mean.grad[0, 0] < 0 and mean.grad[0, 1] > 0  # descending moves the mean towards (0.5, -0.5)


def test_a_few_training_steps_lower_the_loss():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    digits = np.stack([_square_digit(), np.rot90(_square_digit()).copy()])
    images, labels = training_batch(digits, np.array([0, 1]), "centred", 32, rng)
    model = RAM(RAMConfig(glimpses=3, hidden=64))
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    x, y = torch.from_numpy(images), {"labels": torch.from_numpy(labels)}
    # The hybrid loss's REINFORCE term changes sign as rewards come in; the classification term must fall.
    losses = []
    for _ in range(30):
        out = model.train()(x, y)
        optimiser.zero_grad()
        out["loss"].backward()
        optimiser.step()
        losses.append(torch.nn.functional.cross_entropy(out["logits"], y["labels"]).item())
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])


def test_translated_and_cluttered_variants_keep_the_digit():
    digit = _square_digit()
    rng = np.random.default_rng(1)
    canvas = place(digit, rng, 60)
    assert canvas.shape == (60, 60) and canvas.sum() == digit.sum()
    cluttered = clutter(canvas, np.stack([np.full((28, 28), 100, np.uint8)]), rng)
    assert np.all(cluttered >= canvas)  # clutter only adds ink
    assert (cluttered == 100).sum() > 0 and (cluttered == 100).sum() <= CLUTTER_PIECES * 64
    digits = np.stack([digit, digit])
    assert np.array_equal(variant_set(digits, "translated", 5), variant_set(digits, "translated", 5))
    assert not np.array_equal(variant_set(digits, "translated", 5), variant_set(digits, "translated", 6))
    with pytest.raises(ValueError, match="variant"):
        variant_set(digits, "rotated", 5)


def test_augmentation_changes_the_pixels_but_keeps_the_ink_roughly():
    digit = _square_digit()
    rng = np.random.default_rng(2)
    warped = [elastic_affine(digit, rng) for _ in range(5)]
    assert all(w.shape == (28, 28) and w.dtype == np.uint8 for w in warped)
    assert all(not np.array_equal(w, digit) for w in warped)
    assert all(0.5 < w.sum() / digit.sum() < 2.0 for w in warped)
