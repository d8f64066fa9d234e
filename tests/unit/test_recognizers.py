"""Every registered recognizer through the same checks: it learns, and it decodes."""

import numpy as np
import pytest
import torch

from ocrforge.data.synth.recipe import CLEAN, sample
from ocrforge.models.registry import create, names
from ocrforge.preprocess import prepare_crop
from ocrforge.text.charset import Charset
from ocrforge.train.batches import make_batch
from ocrforge.train.recognizer import predict


@pytest.fixture(scope="module")
def tiny_batch():
    pairs = [sample(11, i, CLEAN) for i in range(16)]
    crops = [prepare_crop(img) for img, _ in pairs]
    return crops, [t for _, t in pairs]


@pytest.mark.parametrize("arch", names("recognizer"))
@pytest.mark.slow
def test_a_few_steps_lower_the_loss(arch, tiny_batch):
    torch.manual_seed(0)
    losses = _losses_of_a_few_steps(create(arch), tiny_batch)
    assert np.isfinite(losses).all()
    assert losses[-1] < 0.8 * losses[0]


def _losses_of_a_few_steps(model: torch.nn.Module, tiny_batch, steps: int = 12) -> list[float]:
    crops, texts = tiny_batch
    batch = make_batch(crops, texts, Charset(model.config.charset))
    images = torch.from_numpy(batch["images"])
    targets = {k: torch.from_numpy(batch[k]) for k in ("labels", "label_lengths", "widths")}
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    losses = []
    for _ in range(steps):
        loss = model(images, targets)["loss"]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


# CTC recognizers emit one frame per `width_stride` columns; attention decoders emit tokens instead.
CTC_ARCHS = [arch for arch in names("recognizer") if not hasattr(create(arch), "step")]


@pytest.mark.parametrize("arch", CTC_ARCHS)
def test_output_frames_follow_width(arch):
    model = create(arch).eval()
    with torch.no_grad():
        out = model(torch.rand(2, 1, 32, 100) * 255)["logits"]
    assert out.shape == (2, 100 // model.width_stride, model.config.num_classes)


@pytest.mark.parametrize("arch", names("recognizer"))
def test_predict_returns_strings_in_order(arch, tiny_batch):
    crops, _ = tiny_batch
    texts = predict(create(arch), crops, Charset(), batch_size=5)
    assert len(texts) == len(crops) and all(isinstance(t, str) for t in texts)


NARROW = {"channels": [8, 16, 24, 32, 40], "lstm_hidden": 16}


def _grown(tmp_path, **wider):
    """A small CRNN (NARROW) and one with `wider` settings started from it (--init-from): (parent, grown,
    the grown one's training session, its log)."""
    from ocrforge.train.config import RecognizerTrainConfig, RunConfig
    from ocrforge.train.session import TrainingSession

    torch.manual_seed(0)
    parent = create("crnn", **NARROW).eval()
    torch.save({"model": parent.state_dict(), "step": 5, "arch": "crnn"}, tmp_path / "parent.pt")
    grown = create("crnn", **(NARROW | wider))
    run = RunConfig(out=tmp_path / "run", steps=5, batch_size=4, lr=1e-3, val_every=5, warmup=1, weight_decay=0.0,
                    init_from=tmp_path / "parent.pt", device="cpu")
    session = TrainingSession(run, "crnn", grown, RecognizerTrainConfig(run=run))
    return parent, grown, session, (tmp_path / "run" / "train.log").read_text()


def test_a_crnn_with_wider_convolutions_grown_from_a_narrower_one_reads_as_it_did(tmp_path):
    narrow, wide, _, log = _grown(tmp_path, channels=[12, 24, 32, 40, 48])
    images = torch.rand(4, 1, 32, 96) * 255
    with torch.no_grad():
        assert torch.allclose(wide.eval()(images)["logits"], narrow(images)["logits"], atol=1e-4)
    # 5 convolutions, 4 x 5 batch-norm tensors (weight, bias, running mean and variance), the LSTM's first inputs both ways.
    assert "27 of them widened" in log


def test_a_crnn_with_a_wider_lstm_grown_from_a_narrower_one_reads_as_it_did_and_its_new_units_learn(tmp_path):
    narrow, wide, session, log = _grown(tmp_path, lstm_hidden=24)
    images = torch.rand(4, 1, 32, 96) * 255
    with torch.no_grad():
        assert torch.allclose(wide.eval()(images)["logits"], narrow(images)["logits"], atol=1e-5)
    # Two layers both ways, four tensors each (input and hidden weights and biases), and the output weight.
    assert "17 of them widened" in log
    # The new units' outputs start unread (zero weights out of them), but a training step starts reading them.
    new_units = torch.cat([torch.arange(16, 24), torch.arange(40, 48)])
    assert wide.head.weight[:, new_units].abs().max() == 0
    targets = {"labels": torch.tensor([1, 2, 3, 4]), "label_lengths": torch.tensor([1, 1, 1, 1]),
               "widths": torch.full((4,), 96)}
    session.optimise(wide.train()(images, targets)["loss"])
    assert wide.head.weight[:, new_units].abs().max() > 0


def test_a_crnn_reading_more_characters_grown_from_one_reading_ascii_keeps_its_readings(tmp_path):
    from ocrforge.text.charset import LATIN, PRINTABLE_ASCII

    ascii_model, latin, _, log = _grown(tmp_path, charset=LATIN)
    images = torch.rand(4, 1, 32, 96) * 255
    with torch.no_grad():
        grown_logits, parent_logits = latin.eval()(images)["logits"], ascii_model(images)["logits"]
    shared = len(PRINTABLE_ASCII) + 1  # the blank and ASCII keep their classes
    assert grown_logits.shape[-1] == len(LATIN) + 1
    assert torch.allclose(grown_logits[..., :shared], parent_logits, atol=1e-5)
    assert "2 of them widened" in log  # the output layer's weight and bias


def test_handwritten_lines_choose_checkpoints_by_character_errors_alone():
    from ocrforge.train.recognizer import selection_score, validation_data

    assert validation_data(10, "lines") == {}  # no synthetic set: the real handwriting sets judge
    val = {"htr_a": None, "htr_b": None}
    rougher = {"htr_a_alnum": 0.02, "htr_a_cer": 0.30, "htr_b_alnum": 0.0, "htr_b_cer": 0.20}
    finer = {"htr_a_alnum": 0.0, "htr_a_cer": 0.20, "htr_b_alnum": 0.0, "htr_b_cer": 0.18}
    # Whole lines are almost never exact: accuracy would prefer the rougher checkpoint, character errors do not.
    assert selection_score(rougher, val, set(val), "words") > selection_score(finer, val, set(val), "words")
    assert selection_score(finer, val, set(val), "lines") > selection_score(rougher, val, set(val), "lines")


def test_a_64_pixel_crnn_takes_a_32_pixel_parents_weights_and_runs_at_its_own_height(tmp_path):
    from ocrforge.export.onnx import export_checkpoint
    from ocrforge.runtime.recognizer import Recognizer
    from ocrforge.train.batches import Sample, at_height
    from ocrforge.train.config import RecognizerTrainConfig, RunConfig
    from ocrforge.train.session import TrainingSession

    torch.manual_seed(0)
    parent = create("crnn", channels=[8, 16, 24, 32, 40], lstm_hidden=16).eval()
    torch.save({"model": parent.state_dict(), "step": 5, "arch": "crnn"}, tmp_path / "parent.pt")
    tall = create("crnn", channels=[8, 16, 24, 32, 40], lstm_hidden=16, input_height=64)
    run = RunConfig(out=tmp_path / "run", steps=5, batch_size=4, lr=1e-3, val_every=5, warmup=1, weight_decay=0.0,
                    init_from=tmp_path / "parent.pt", device="cpu")
    TrainingSession(run, "crnn", tall, RecognizerTrainConfig(run=run))
    assert all(torch.equal(tall.state_dict()[k], v) for k, v in parent.state_dict().items())  # every weight fits
    with torch.no_grad():  # a line at twice the height gives the frames it gave at 32 px
        assert tall.eval()(torch.rand(2, 1, 64, 200) * 255)["logits"].shape == parent(torch.rand(2, 1, 32, 100) * 255)["logits"].shape
    with pytest.raises(ValueError, match="32 or 64"):
        create("crnn", input_height=48)
    # The synthetic part of a batch (32-px shards) comes up to the model's height; crops already there stay.
    crops = [Sample(np.zeros((32, 50), np.uint8), "a"), Sample(np.zeros((64, 70), np.uint8), "b")]
    assert [s.crop.shape for s in next(at_height(iter([crops]), 64))] == [(64, 100), (64, 70)]

    torch.save({"model": tall.state_dict(), "arch": "crnn", "model_args": tall.model_args(), "step": 5}, tmp_path / "tall.pt")
    export_checkpoint(tmp_path / "tall.pt", tmp_path / "tall.onnx")
    recognizer = Recognizer(tmp_path / "tall.onnx")
    assert (recognizer.info.input_height, recognizer.info.width_stride) == (64, 8)
    assert recognizer.prepare(np.full((20, 90, 3), 200, np.uint8)).shape[0] == 64
    assert len(recognizer.recognize([np.full((20, 90, 3), 200, np.uint8)])) == 1


def test_a_crnn_on_the_depthwise_separable_backbone_trains_exports_and_takes_a_vgg_parents_sequence_model(tmp_path, tiny_batch):
    from ocrforge.export.onnx import export_checkpoint
    from ocrforge.runtime.recognizer import Recognizer
    from ocrforge.train.config import RecognizerTrainConfig, RunConfig
    from ocrforge.train.session import TrainingSession

    torch.manual_seed(0)
    args = {"channels": [8, 16, 24, 32, 40], "lstm_hidden": 16}
    parent = create("crnn", **args).eval()
    for height, stride in ((32, 4), (64, 8)):  # the same columns as the VGG stages give
        light = create("crnn", backbone="lcnet", input_height=height, **args).eval()
        with torch.no_grad():
            assert light(torch.rand(2, 1, height, 200) * 255)["logits"].shape == (2, 200 // stride, parent.config.num_classes)
    with pytest.raises(ValueError, match="backbone"):
        create("crnn", backbone="resnet")

    torch.save({"model": parent.state_dict(), "step": 5, "arch": "crnn"}, tmp_path / "parent.pt")
    light = create("crnn", backbone="lcnet", **args)
    run = RunConfig(out=tmp_path / "run", steps=5, batch_size=4, lr=1e-3, val_every=5, warmup=1, weight_decay=0.0,
                    init_from=tmp_path / "parent.pt", device="cpu")
    TrainingSession(run, "crnn", light, RecognizerTrainConfig(run=run))
    own = light.state_dict()
    taken = {k for k, v in parent.state_dict().items() if k in own and torch.equal(own[k], v)}
    assert {k for k in own if k.startswith(("rnn.", "head."))} <= taken  # the sequence model and CTC head
    assert not any(k.startswith("features.") and k.endswith("weight") and own[k].dim() == 4 for k in taken)  # no convolution

    losses = _losses_of_a_few_steps(light, tiny_batch)
    assert losses[-1] < 0.8 * losses[0]

    torch.save({"model": light.state_dict(), "arch": "crnn", "model_args": light.model_args(), "step": 12}, tmp_path / "light.pt")
    export_checkpoint(tmp_path / "light.pt", tmp_path / "light.onnx")
    recognizer = Recognizer(tmp_path / "light.onnx")
    assert (recognizer.info.input_height, recognizer.info.width_stride) == (32, 4)
    assert len(recognizer.recognize([np.full((20, 90, 3), 200, np.uint8)])) == 1
