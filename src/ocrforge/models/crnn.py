"""CRNN (Shi, Bai and Yao, 2015): CNN feature columns -> deep bidirectional LSTM -> CTC.

Kept lean for two CPU cores: about 75 M multiply-adds for a 32x128 crop with the default channels (the shipped
model widens them, see weights/crnn.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ocrforge.models.caseless import case_pairs, fold_case
from ocrforge.models.lcnet import lcnet_features
from ocrforge.models.registry import register
from ocrforge.text.charset import PRINTABLE_ASCII


# 32 px for print; 64 px for handwriting, whose strokes need the detail: its fourth stage pools 4x2
# instead of 2x1, so a line gives the same feature columns as at 32 px, and a 32-px model's weights fit.
INPUT_HEIGHTS = (32, 64)
BACKBONES = ("vgg", "lcnet")  # plain 3x3 stages as in the paper; depthwise-separable ones (models/lcnet.py)


@dataclass(frozen=True)
class CRNNConfig:
    charset: str = PRINTABLE_ASCII  # characters read; the blank is added as class 0
    input_height: int = 32  # crops are scaled to this height (INPUT_HEIGHTS), width follows the aspect ratio
    channels: tuple[int, ...] = (32, 64, 128, 192, 256)  # conv stages; the last collapses height to 1
    backbone: str = "vgg"  # one of BACKBONES
    lstm_hidden: int = 128  # per direction
    lstm_layers: int = 2
    dropout: float = 0.1

    @property
    def num_classes(self) -> int:
        return len(self.charset) + 1


def _conv(c_in: int, c_out: int, kernel=(3, 3), padding=(1, 1)) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, padding=padding, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


def sequence_encoder(channels: tuple[int, ...], lstm_hidden: int, lstm_layers: int, dropout: float,
                     input_height: int = 32, backbone: str = "vgg") -> tuple[nn.Sequential, nn.LSTM]:
    """CRNN's encoder, shared by every recognizer that reads feature columns (CRNN, Attention-OCR):
    conv stages (plain 3x3 ones, or depthwise-separable with backbone="lcnet") that collapse a 32-pixel-high
    crop to one row of W/4 columns (a 64-pixel-high one to W/8), then a deep BiLSTM. Built as two modules
    named `features` and `rnn` by their owners, so weights move between them."""
    if input_height not in INPUT_HEIGHTS:
        raise ValueError(f"the CRNN takes input {' or '.join(map(str, INPUT_HEIGHTS))} pixels high, not {input_height}")
    if backbone not in BACKBONES:
        raise ValueError(f"unknown backbone {backbone!r} (one of {', '.join(BACKBONES)})")
    c1, c2, c3, c4, c5 = channels
    features = lcnet_features(channels, input_height) if backbone == "lcnet" else nn.Sequential(
        _conv(1, c1), nn.MaxPool2d(2, 2),  # 32 -> 16, W -> W/2
        _conv(c1, c2), nn.MaxPool2d(2, 2),  # 16 -> 8, W/2 -> W/4
        _conv(c2, c3), nn.MaxPool2d((2, 1)),  # 8 -> 4
        _conv(c3, c4), nn.MaxPool2d((2, 1) if input_height == 32 else (4, 2)),  # 4 -> 2 (64 px: 8 -> 2, W/4 -> W/8)
        _conv(c4, c5, kernel=(2, 3), padding=(0, 1)),  # 2 -> 1
    )
    rnn = nn.LSTM(c5, lstm_hidden, num_layers=lstm_layers, bidirectional=True,
                  dropout=dropout if lstm_layers > 1 else 0.0, batch_first=True)
    return features, rnn


def encode_columns(features: nn.Sequential, rnn: nn.LSTM, images: torch.Tensor) -> torch.Tensor:
    """(B, 1, H, W) pixels in 0..255 -> (B, W/stride, 2 * lstm_hidden) column features."""
    x = features(images / 127.5 - 1.0)  # (B, C, 1, W/stride)
    x, _ = rnn(x.squeeze(2).transpose(1, 2))  # (B, C, 1, T) -> (B, T, C) -> BiLSTM
    return x


class CRNN(nn.Module):
    # Wider conv stages and a wider LSTM start as the parent's narrower ones (train/session.grown, the
    # LSTM's gates and directions grown block by block: growth_blocks). The output layer grows by classes
    # appended to the charset (text/charset.LATIN after ASCII).
    growable = ("features.", "rnn.", "head.")

    def __init__(self, config: CRNNConfig = CRNNConfig()) -> None:
        super().__init__()
        self.config = config
        self.width_stride = 4 * config.input_height // 32  # input columns per output frame
        self.features, self.rnn = sequence_encoder(config.channels, config.lstm_hidden, config.lstm_layers, config.dropout,
                                                   config.input_height, config.backbone)
        if config.backbone != "vgg":  # other stages share no shapes with the VGG ones they would grow from
            self.growable = ("rnn.", "head.")
        self.head = nn.Linear(2 * config.lstm_hidden, config.num_classes)
        self.case_classes = case_pairs(config.charset, 1)  # class 0 is the blank

    def forward(self, images: torch.Tensor, targets: dict | None = None, widths: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """images: (B, 1, H, W) float in 0..255. Returns {"logits": (B, W/stride, C)} and "loss" given targets.

        targets: {"labels": (sum L,) int, "label_lengths": (B,), "widths": (B,) true crop widths,
        optionally "caseless": (B,) bool, labels whose case says nothing (see models/caseless.py)}.
        `widths` is accepted for a common signature with decoders that mask padding; CTC needs it only in the loss.
        """
        logits = self.head(encode_columns(self.features, self.rnn, images))
        out = {"logits": logits}
        if targets is not None:
            log_probs = fold_case(F.log_softmax(logits, dim=2), targets.get("caseless"), *self.case_classes)
            log_probs = log_probs.transpose(0, 1)  # (T, B, C) for CTC
            frames = torch.clamp((targets["widths"] + self.width_stride - 1) // self.width_stride, max=logits.shape[1])
            out["loss"] = F.ctc_loss(
                log_probs, targets["labels"], frames, targets["label_lengths"], blank=0, zero_infinity=True
            )
        return out

    @staticmethod
    def growth_blocks(name: str) -> tuple[int, ...] | None:
        """How many equal blocks each dimension of a growable tensor is made of: an LSTM's rows are its four
        gates; a layer above the first reads both directions of the one below, as the output layer does."""
        if name.startswith("rnn."):
            reads_both_directions = name.startswith("rnn.weight_ih_l") and not name.startswith("rnn.weight_ih_l0")
            return (4, 2 if reads_both_directions else 1) if "weight" in name else (4,)
        return (1, 2) if name == "head.weight" else None

    def model_args(self) -> dict:
        return asdict(self.config)


@register("crnn", task="recognizer")
def crnn(**overrides) -> CRNN:
    if "channels" in overrides:
        overrides["channels"] = tuple(overrides["channels"])
    return CRNN(CRNNConfig(**overrides))
