"""A CPU-efficient convolutional backbone for the recognizers: depthwise-separable blocks as in PP-LCNet
(Cui et al. 2021), the backbone of PP-OCR's CTC recognizers.

A 3x3 convolution from c to c' channels costs 9 c c' multiply-adds per pixel; its depthwise-separable form
(a 3x3 filter per channel, then a 1x1 mix) costs 9 c + c c'. For the same multiply-adds the network can be
wider and deeper, with 5x5 filters where the feature map is small. Like the CRNN's own stages it turns a crop
32 px high into one row of W/4 columns (64 px: W/8), so the CRNN's sequence model and CTC head sit on it
unchanged. On a CPU its inference took 0.6x the time of the 3x3 stages it was measured against, but PyTorch
trained it at 1.5x their step time (weights/crnn.md).
"""

from __future__ import annotations

import torch.nn as nn


def _separable(c_in: int, c_out: int, stride: tuple[int, int] = (1, 1), kernel: int = 3) -> nn.Sequential:
    """Depthwise kernel x kernel filter (strided), then a pointwise 1x1 mix; BN and hard-swish after each."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_in, kernel, stride, padding=kernel // 2, groups=c_in, bias=False),
        nn.BatchNorm2d(c_in), nn.Hardswish(inplace=True),
        nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out), nn.Hardswish(inplace=True),
    )


def lcnet_features(channels: tuple[int, ...], input_height: int = 32) -> nn.Sequential:
    """Five stages of `channels` widths; height halves at each (the last by pooling) to one row, width
    halves in the first two (and the third for 64-px input)."""
    c1, c2, c3, c4, c5 = channels
    third = (2, 2) if input_height == 64 else (2, 1)
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, 2, padding=1, bias=False), nn.BatchNorm2d(c1), nn.Hardswish(inplace=True),  # H/2, W/2
        _separable(c1, c2),
        _separable(c2, c3, (2, 2)), _separable(c3, c3),  # H/4, W/4
        _separable(c3, c4, third), _separable(c4, c4),  # H/8
        _separable(c4, c5, (2, 1), kernel=5), _separable(c5, c5, kernel=5), _separable(c5, c5, kernel=5),  # H/16
        nn.MaxPool2d((input_height // 16, 1)),  # the last rows -> one
    )
