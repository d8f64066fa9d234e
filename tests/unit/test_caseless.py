"""Labels without case (SROIE's upper-case receipts) never teach case: the loss on them is the same
whichever case the model reads their letters in."""

import dataclasses

import numpy as np
import pytest
import torch

from ocrforge.data.synth.recipe import CLEAN, sample
from ocrforge.models.registry import create, names
from ocrforge.preprocess import prepare_crop
from ocrforge.text.charset import Charset
from ocrforge.train.batches import make_batch


def _swap_case_outputs(model: torch.nn.Module) -> None:
    """Swap the output units of each letter's two cases: the model then reads every letter in the other case."""
    upper, lower = model.case_classes
    head = [m for m in model.modules() if isinstance(m, torch.nn.Linear) and m.out_features == model.config.num_classes][-1]
    with torch.no_grad():
        for param in (head.weight, head.bias):
            param[upper + lower] = param[lower + upper].clone()


@pytest.mark.parametrize("arch", names("recognizer"))
def test_caseless_loss_ignores_the_case_the_model_reads(arch):
    torch.manual_seed(0)
    model = create(arch).eval()  # eval: no dropout, so two passes see the same network
    if hasattr(model.config, "feed_predictions"):  # teacher forcing only: the same decoder inputs both times
        model.config = dataclasses.replace(model.config, feed_predictions=0.0)
    pairs = [sample(12, i, CLEAN) for i in range(8)]
    crops, texts = [prepare_crop(img) for img, _ in pairs], [text.upper() for _, text in pairs]
    assert any(t.isalpha() for t in "".join(texts))

    def loss(caseless: bool) -> float:
        batch = make_batch(crops, texts, Charset(model.config.charset), [caseless] * len(texts))
        targets = {k: torch.from_numpy(batch[k]) for k in ("labels", "label_lengths", "widths", "caseless")}
        with torch.no_grad():
            return model(torch.from_numpy(batch["images"]), targets)["loss"].item()

    before = loss(caseless=True), loss(caseless=False)
    _swap_case_outputs(model)
    after = loss(caseless=True), loss(caseless=False)
    assert after[0] == pytest.approx(before[0], rel=1e-5)  # caseless: the case read makes no difference
    assert after[1] != pytest.approx(before[1], rel=1e-3)  # case-sensitive: it does


def test_mixed_batch_folds_only_the_caseless_rows():
    from ocrforge.models.caseless import fold_case

    log_probs = torch.log_softmax(torch.randn(2, 5, 7), dim=2)
    folded = fold_case(log_probs, torch.tensor([True, False]), [1, 2], [3, 4])
    assert torch.equal(folded[1], log_probs[1])
    assert torch.allclose(folded[0, :, 1], torch.logaddexp(log_probs[0, :, 1], log_probs[0, :, 3]))
    assert torch.isneginf(folded[0, :, [3, 4]]).all()
    assert np.allclose(folded[0].exp().sum(1), 1.0)  # still a distribution over the classes
