"""The recurrent attention model (Mnih, Heess, Graves and Kavukcuoglu, 2014).

A glimpse sensor reads a few patches of growing size around one point, scaled to the same small
size (a retina); the glimpse network mixes what it saw with where; an LSTM core accumulates the
glimpses; a location network picks the next point from a Gaussian policy, trained with REINFORCE
against a learned baseline; the class is read from the core's last state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ocrforge.models.registry import register


@dataclass(frozen=True)
class RAMConfig:
    image_size: int = 28  # square input side: 28 for MNIST, 60 for translated/cluttered MNIST
    patch: int = 8  # retina side in pixels
    scales: int = 3  # patches of patch, 2*patch, 4*patch... pixels, each pooled to patch x patch
    glimpses: int = 6
    hidden: int = 256  # LSTM core size
    location_std: float = 0.1  # policy standard deviation, in [-1, 1] image coordinates
    classes: int = 10

    def __post_init__(self) -> None:
        if self.glimpses < 1 or self.scales < 1 or self.patch < 4:
            raise ValueError("need glimpses >= 1, scales >= 1 and patch >= 4")


def retina(images: torch.Tensor, location: torch.Tensor, patch: int, scales: int) -> torch.Tensor:
    """(B, 1, H, W) images and (B, 2) (x, y) points in [-1, 1] -> (B, scales, patch, patch) glimpses.

    Each scale is sampled at full resolution and average-pooled, so coarse scales blur instead of alias;
    what lies outside the image reads as zero (MNIST's background)."""
    b, _, h, w = images.shape
    out = []
    for i in range(scales):
        side = patch * 2**i
        # Pixel centres of a side x side square around the origin, in [-1, 1] image units (what
        # affine_grid would build; written out because ONNX opset 17 has no affine grid).
        steps = (torch.arange(side, dtype=images.dtype, device=images.device) + 0.5) / side * 2.0 - 1.0
        offsets = torch.stack(torch.meshgrid(steps * (side / w), steps * (side / h), indexing="xy"), dim=-1)
        grid = location[:, None, None, :] + offsets[None]
        crop = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        out.append(F.avg_pool2d(crop, 2**i) if i else crop)
    return torch.cat(out, dim=1)


class GlimpseNetwork(nn.Module):
    """What (a small conv net over the retina) and where (the point), mixed into one vector."""

    def __init__(self, config: RAMConfig) -> None:
        super().__init__()
        self.what = nn.Sequential(
            nn.Conv2d(config.scales, 32, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(inplace=True), nn.Flatten(),
            nn.Linear(64 * (config.patch // 2) ** 2, config.hidden),
        )
        self.where = nn.Linear(2, config.hidden)

    def forward(self, glimpse: torch.Tensor, location: torch.Tensor) -> torch.Tensor:
        return F.relu(self.what(glimpse) + self.where(location))


class RAM(nn.Module):
    def __init__(self, config: RAMConfig = RAMConfig()) -> None:
        super().__init__()
        self.config = config
        self.glimpse = GlimpseNetwork(config)
        self.core = nn.LSTMCell(config.hidden, config.hidden)
        self.locator = nn.Linear(config.hidden, 2)
        self.baseline = nn.Linear(config.hidden, 1)
        self.classifier = nn.Linear(config.hidden, config.classes)

    def forward(self, images: torch.Tensor, targets: dict | None = None, sample: bool | None = None) -> dict[str, torch.Tensor]:
        """images: (B, 1, S, S) in 0..255. Returns "logits" (B, classes) and "locations" (B, glimpses, 2),
        plus "loss" given targets {"labels": (B,)}.

        Locations are drawn from the policy when `sample` (default: in training), else its mean: the
        first glimpse is always at the centre."""
        cfg = self.config
        sample = self.training if sample is None else sample
        x = images / 255.0
        b = x.shape[0]
        h = c = x.new_zeros(b, cfg.hidden)
        location = x.new_zeros(b, 2)
        locations, log_probs, baselines = [location], [], []
        for t in range(cfg.glimpses):
            h, c = self.core(self.glimpse(retina(x, location, cfg.patch, cfg.scales), location), (h, c))
            baselines.append(self.baseline(h.detach()).squeeze(1))
            if t == cfg.glimpses - 1:
                break
            # The policy reads the core but does not train it: REINFORCE's noisy gradient stays in the locator.
            location = policy_step(torch.tanh(self.locator(h.detach())), cfg.location_std, sample, log_probs)
            locations.append(location)
        logits = self.classifier(h)
        out = {"logits": logits, "locations": torch.stack(locations, dim=1)}
        if targets is not None:
            out["loss"] = hybrid_loss(logits, targets["labels"], log_probs, torch.stack(baselines, dim=1))
        return out

    def model_args(self) -> dict:
        return asdict(self.config)


def policy_step(mean: torch.Tensor, std: float, sample: bool, log_probs: list[torch.Tensor]) -> torch.Tensor:
    """The next glimpse's location: drawn from N(mean, std) (its log-probability appended to `log_probs`
    for REINFORCE) when sampling, else the mean itself."""
    if not sample:
        return mean
    location = torch.clamp(mean + std * torch.randn_like(mean), -1.0, 1.0).detach()
    log_probs.append(torch.distributions.Normal(mean, std).log_prob(location).sum(1))
    return location


def hybrid_loss(logits: torch.Tensor, labels: torch.Tensor, log_probs: list[torch.Tensor], baselines: torch.Tensor) -> torch.Tensor:
    """Cross-entropy for the class, REINFORCE for the locations (reward 1 when the class is right),
    and squared error for the baseline that REINFORCE subtracts to cut its variance."""
    classification = F.cross_entropy(logits, labels)
    reward = (logits.argmax(1) == labels).float()
    baseline_loss = F.mse_loss(baselines, reward[:, None].expand_as(baselines))
    if not log_probs:  # one glimpse: no location was chosen
        return classification + baseline_loss
    advantage = (reward[:, None] - baselines[:, : len(log_probs)]).detach()
    reinforce = -(torch.stack(log_probs, dim=1) * advantage).sum(1).mean()
    return classification + baseline_loss + reinforce


@register("ram", task="digits")
def ram(**overrides) -> RAM:
    return RAM(RAMConfig(**overrides))
