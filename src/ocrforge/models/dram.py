"""The deep recurrent attention model (Ba, Mnih and Kavukcuoglu, 2015): reads a house number digit by
digit with glimpses and says by itself when the number has ended.

A context network looks at a coarse copy of the whole image and starts the location RNN; every step
takes a few glimpses (the retina of `ram.py`), the lower RNN accumulates what they show and emits one
digit (or the end), the upper RNN chooses where to look next from a Gaussian policy trained with
REINFORCE (reward: the step's digit is right). Digit boxes, when the data has them, can guide the
policy's mean early in training (a warm start; the synthetic engine draws them for free).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ocrforge.models.ram import policy_step, retina
from ocrforge.models.registry import register
from ocrforge.text.digits import END


@dataclass(frozen=True)
class DRAMConfig:
    height: int = 64
    width: int = 128
    patch: int = 16  # retina side in pixels
    scales: int = 3  # 16, 32 and 64 pixels, each pooled to 16 x 16
    glimpses_per_digit: int = 2
    max_digits: int = 5  # the model emits at most max_digits digits, then the end
    hidden: int = 256
    location_std: float = 0.05  # policy standard deviation, in [-1, 1] image coordinates
    what_channels: tuple[int, int, int] = (32, 64, 64)  # the glimpse network's three convolutions

    def __post_init__(self) -> None:
        object.__setattr__(self, "what_channels", tuple(self.what_channels))  # JSON model arguments give a list

    @property
    def steps(self) -> int:
        return self.max_digits + 1

    @property
    def classes(self) -> int:
        return END + 1


def _conv_block(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True)]


class DRAM(nn.Module):
    # A checkpoint with a narrower glimpse network can start this one (TrainingSession's init_from).
    growable = ("what.",)

    def __init__(self, config: DRAMConfig = DRAMConfig()) -> None:
        super().__init__()
        self.config = config
        c, p = config, config.patch
        w1, w2, w3 = c.what_channels
        self.what = nn.Sequential(
            *_conv_block(c.scales, w1), nn.MaxPool2d(2), *_conv_block(w1, w2), nn.MaxPool2d(2), *_conv_block(w2, w3),
            nn.Flatten(), nn.Linear(w3 * (p // 4) ** 2, c.hidden),
        )
        self.where = nn.Linear(2, c.hidden)
        # The context network sees the image at a quarter of its size and starts the location RNN.
        self.context = nn.Sequential(
            nn.AvgPool2d(4), *_conv_block(1, 16), nn.MaxPool2d(2), *_conv_block(16, 32), nn.MaxPool2d(2),
            *_conv_block(32, 32), nn.Flatten(), nn.Linear(32 * (c.height // 16) * (c.width // 16), c.hidden), nn.Tanh(),
        )
        self.reader = nn.LSTMCell(c.hidden, c.hidden)  # r1: what has been seen of the current digit
        self.locator_rnn = nn.LSTMCell(c.hidden, c.hidden)  # r2: where the number goes on
        self.emission = nn.Linear(c.hidden, 2)
        self.baseline = nn.Linear(c.hidden, 1)
        self.classifier = nn.Linear(c.hidden, c.classes)

    def forward(self, images: torch.Tensor, targets: dict | None = None, sample: bool | None = None) -> dict[str, torch.Tensor]:
        """images: (B, 1, H, W) in 0..255. Returns "logits" (B, steps, 11) and "locations"
        (B, steps * glimpses_per_digit, 2) as (x, y) in [-1, 1]; with targets {"labels": (B, steps)
        digits then END then -100, optional "centres": (B, steps, 2) box centres, "box_weight": float},
        also "loss"."""
        cfg = self.config
        sample = self.training if sample is None else sample
        x = images / 255.0
        b = x.shape[0]
        h1 = c1 = c2 = x.new_zeros(b, cfg.hidden)
        h2 = self.context(x)
        logits, locations, means, log_probs, baselines = [], [], [], [], []
        for _ in range(cfg.steps):
            for _ in range(cfg.glimpses_per_digit):
                # The location RNN and the context network serve the policy alone, so the location losses
                # (box guidance, REINFORCE) train them; the baseline only reads them.
                mean = torch.tanh(self.emission(h2))
                baselines.append(self.baseline(h2.detach()).squeeze(1))
                location = policy_step(mean, cfg.location_std, sample, log_probs)
                means.append(mean)
                locations.append(location)
                seen = F.relu(self.what(retina(x, location, cfg.patch, cfg.scales)) + self.where(location))
                h1, c1 = self.reader(seen, (h1, c1))
                # The location RNN reads the reader without training it: no policy gradient reaches the classifier.
                h2, c2 = self.locator_rnn(h1.detach(), (h2, c2))
            logits.append(self.classifier(h1))
        out = {"logits": torch.stack(logits, dim=1), "locations": torch.stack(locations, dim=1)}
        if targets is not None:
            out["loss"] = sequence_loss(out["logits"], targets, torch.stack(means, 1), log_probs,
                                        torch.stack(baselines, 1), cfg.glimpses_per_digit)
        return out

    def model_args(self) -> dict:
        return asdict(self.config)


def sequence_loss(logits: torch.Tensor, targets: dict, means: torch.Tensor, log_probs: list[torch.Tensor],
                  baselines: torch.Tensor, glimpses_per_digit: int) -> torch.Tensor:
    """Cross-entropy per step (digits, then END; steps after END ignored), REINFORCE for each glimpse
    with the reward of the step it served (1 when that step's class is right), the baseline's squared
    error, and, when given, the squared distance of each glimpse's mean from its digit's box centre."""
    labels = targets["labels"]
    classification = F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100)
    valid = (labels >= 0).float()
    reward = (logits.argmax(2) == labels).float() * valid  # (B, steps)
    per_glimpse = reward.repeat_interleave(glimpses_per_digit, dim=1)
    mask = valid.repeat_interleave(glimpses_per_digit, dim=1)
    baseline_loss = ((baselines - per_glimpse) ** 2 * mask).sum() / mask.sum()
    loss = classification + baseline_loss
    if log_probs:
        advantage = (per_glimpse - baselines).detach()
        loss = loss - (torch.stack(log_probs, 1) * advantage * mask).sum() / mask.sum()
    weight = float(targets.get("box_weight", 0.0))
    if weight > 0 and "centres" in targets:
        centres = targets["centres"].repeat_interleave(glimpses_per_digit, dim=1)
        has_box = mask * (labels != END).float().repeat_interleave(glimpses_per_digit, dim=1)
        distance = ((means - centres) ** 2).sum(2)
        loss = loss + weight * (distance * has_box).sum() / has_box.sum().clamp(min=1.0)
    return loss


@register("dram", task="digits")
def dram(**overrides) -> DRAM:
    return DRAM(DRAMConfig(**overrides))
