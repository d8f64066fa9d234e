"""A small Differentiable Binarization text detector (Liao et al. 2020) for two CPU cores.

Residual CNN backbone (strides 4-32) -> feature pyramid fused at stride 4 -> head upsampled to
stride 2 that predicts a text probability map and a threshold map. Training also forms the
approximate binary map 1 / (1 + exp(-k (P - T))); inference needs the probability map only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ocrforge.models.registry import register


@dataclass(frozen=True)
class DBNetConfig:
    channels: tuple[int, ...] = (16, 32, 64, 96, 128)  # stem (stride 2), then stages at strides 4, 8, 16, 32
    fpn: int = 64  # pyramid width; each level adds fpn // 4 channels to the fused map
    k: float = 50.0  # steepness of the differentiable binarization


def _conv(c_in: int, c_out: int, stride: int = 1, kernel: int = 3) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class _Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(_conv(channels, channels), nn.Conv2d(channels, channels, 3, 1, 1, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.body(x))


class DBNet(nn.Module):
    output_stride = 2  # map pixels per input pixel, per side
    size_multiple = 32  # input height and width must be multiples of this

    def __init__(self, config: DBNetConfig = DBNetConfig()) -> None:
        super().__init__()
        self.config = config
        c = config.channels
        self.stem = _conv(3, c[0], stride=2)
        self.stages = nn.ModuleList(
            nn.Sequential(_conv(c_in, c_out, stride=2), _Residual(c_out)) for c_in, c_out in zip(c[:-1], c[1:])
        )
        self.lateral = nn.ModuleList(nn.Conv2d(ch, config.fpn, 1, bias=False) for ch in c[1:])
        self.smooth = nn.ModuleList(_conv(config.fpn, config.fpn // 4) for _ in c[1:])

        def head() -> nn.Sequential:
            return nn.Sequential(
                _conv(config.fpn, config.fpn // 4),
                nn.ConvTranspose2d(config.fpn // 4, config.fpn // 4, 2, 2, bias=False),
                nn.BatchNorm2d(config.fpn // 4), nn.ReLU(inplace=True),
                nn.Conv2d(config.fpn // 4, 1, 1),
            )

        self.prob_head = head()
        self.thresh_head = head()

    def forward(self, images: torch.Tensor, targets: dict | None = None) -> dict[str, torch.Tensor]:
        """images: (B, 3, H, W) RGB in 0..255, H and W multiples of 32. Returns {"prob": (B, 1, H/2, W/2)}.

        While training (or given targets) also "thresh" and "binary"; given targets also "loss".
        """
        x = self.stem((images - 127.5) / 64.0)
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        # Top-down pathway: each level adds the coarser one upsampled.
        laterals = [lat(f) for lat, f in zip(self.lateral, features)]
        for i in range(len(laterals) - 1, 0, -1):
            laterals[i - 1] = laterals[i - 1] + F.interpolate(laterals[i], size=laterals[i - 1].shape[2:], mode="nearest")
        size = laterals[0].shape[2:]
        fused = torch.cat([
            F.interpolate(smooth(lat), size=size, mode="nearest") if i else smooth(lat)
            for i, (smooth, lat) in enumerate(zip(self.smooth, laterals))
        ], dim=1)
        prob = torch.sigmoid(self.prob_head(fused))
        out = {"prob": prob}
        if self.training or targets is not None:
            thresh = torch.sigmoid(self.thresh_head(fused))
            out["thresh"] = thresh
            out["binary"] = torch.sigmoid(self.config.k * (prob - thresh))
        if targets is not None:
            out.update(db_loss(out, targets))
        return out

    def model_args(self) -> dict:
        return asdict(self.config)


def _balanced_bce(prob: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor, negative_ratio: float = 3.0) -> torch.Tensor:
    """BCE over all text pixels and only the hardest background pixels, at most 3 per text pixel."""
    positive = gt * mask
    negative = (1 - gt) * mask
    n_pos = int(positive.sum().item())
    n_neg = min(int(negative.sum().item()), max(int(n_pos * negative_ratio), 100))
    loss = F.binary_cross_entropy(prob.float().clamp(1e-6, 1 - 1e-6), gt, reduction="none")
    hardest = torch.topk((loss * negative).flatten(), n_neg).values
    return ((loss * positive).sum() + hardest.sum()) / (n_pos + n_neg + 1e-6)


def _dice(pred: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    pred = pred.float()
    intersection = (pred * gt * mask).sum()
    return 1 - 2 * intersection / ((pred * mask).sum() + (gt * mask).sum() + 1e-6)


def db_loss(out: dict[str, torch.Tensor], targets: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """L = 5 BCE(prob) + dice(binary) + 10 L1(thresh), the weights of the DB reference setting."""
    gt, mask = targets["prob"].unsqueeze(1), targets["prob_mask"].unsqueeze(1)
    t_gt, t_mask = targets["thresh"].unsqueeze(1), targets["thresh_mask"].unsqueeze(1)
    prob_loss = _balanced_bce(out["prob"], gt, mask)
    binary_loss = _dice(out["binary"], gt, mask)
    thresh_loss = (torch.abs(out["thresh"].float() - t_gt) * t_mask).sum() / (t_mask.sum() + 1e-6)
    return {"loss": 5 * prob_loss + binary_loss + 10 * thresh_loss, "prob_loss": prob_loss}


@register("dbnet", task="detector")
def dbnet(**overrides) -> DBNet:
    if "channels" in overrides:
        overrides["channels"] = tuple(overrides["channels"])
    return DBNet(DBNetConfig(**overrides))
