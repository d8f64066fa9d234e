"""Attention-OCR: CRNN's encoder (conv columns -> BiLSTM) read by a GRU decoder with additive
(Bahdanau) attention, one character per step, <sos> to <eos>.

The encoder is CRNN's own (`sequence_encoder`), so a trained CRNN's weights can start it. Where CTC
must emit characters in column order, the decoder chooses where to look for each character, which
curved, arched and slanted text needs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ocrforge.models.caseless import case_pairs, fold_case
from ocrforge.models.crnn import encode_columns, sequence_encoder
from ocrforge.models.registry import register
from ocrforge.text.charset import PRINTABLE_ASCII
from ocrforge.text.tokens import Tokenizer

MASKED = -1e4  # attention score of padding columns: far below any real score, finite for ONNX


@dataclass(frozen=True)
class AttentionConfig:
    charset: str = PRINTABLE_ASCII
    input_height: int = 32
    channels: tuple[int, ...] = (32, 64, 128, 192, 256)  # as CRNN's, so its weights fit
    lstm_hidden: int = 128  # per direction
    lstm_layers: int = 2
    dropout: float = 0.1
    embedding: int = 64  # previous character's embedding
    decoder_hidden: int = 256
    attention: int = 128  # additive attention's inner size
    max_length: int = 80  # decoder steps at most (long lines need many)
    feed_predictions: float = 0.15  # training steps fed the model's own last prediction, not the truth

    @property
    def num_classes(self) -> int:
        return Tokenizer(self.charset).num_classes


class DecoderStep(nn.Module):
    """One decoding step: attend over the columns, update the GRU, score the next token.

    Kept as its own module so that ONNX export takes exactly this step as the decoder graph.
    """

    def __init__(self, config: AttentionConfig) -> None:
        super().__init__()
        memory = 2 * config.lstm_hidden
        self.embed = nn.Embedding(config.num_classes, config.embedding)
        self.query = nn.Linear(config.decoder_hidden, config.attention, bias=False)
        self.score = nn.Linear(config.attention, 1, bias=False)
        self.gru = nn.GRUCell(config.embedding + memory, config.decoder_hidden)
        self.out = nn.Linear(config.decoder_hidden + memory, config.num_classes)

    def forward(self, previous: torch.Tensor, hidden: torch.Tensor, memory: torch.Tensor, keys: torch.Tensor,
                mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """previous (B,) tokens, hidden (B, H), memory (B, T, M), keys (B, T, A), mask (B, T) 1 = real column.
        Returns logits (B, V), the new hidden (B, H) and the attention weights (B, T)."""
        energy = self.score(torch.tanh(keys + self.query(hidden).unsqueeze(1))).squeeze(2)  # (B, T)
        weights = torch.softmax(energy.masked_fill(mask < 0.5, MASKED), dim=1)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)  # (B, M)
        hidden = self.gru(torch.cat([self.embed(previous), context], dim=1), hidden)
        return self.out(torch.cat([hidden, context], dim=1)), hidden, weights


class AttentionOCR(nn.Module):
    width_stride = 4  # encoder columns per input pixel column, as CRNN

    def __init__(self, config: AttentionConfig = AttentionConfig()) -> None:
        super().__init__()
        if config.input_height != 32:
            raise ValueError("this encoder is laid out for 32-pixel-high input")
        self.config = config
        self.tokenizer = Tokenizer(config.charset)
        self.features, self.rnn = sequence_encoder(config.channels, config.lstm_hidden, config.lstm_layers, config.dropout)
        memory = 2 * config.lstm_hidden
        self.key = nn.Linear(memory, config.attention, bias=False)
        self.init_hidden = nn.Linear(memory, config.decoder_hidden)
        self.step = DecoderStep(config)
        self.case_classes = case_pairs(config.charset, Tokenizer.FIRST_CHAR)

    def encode(self, images: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """images (B, 1, 32, W), mask (B, W/4) -> memory (B, T, M), keys (B, T, A), first hidden (B, H)."""
        memory = encode_columns(self.features, self.rnn, images)
        mean = (memory * mask.unsqueeze(2)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        return memory, self.key(memory), torch.tanh(self.init_hidden(mean))

    def column_mask(self, widths: torch.Tensor | None, columns: int, batch: int) -> torch.Tensor:
        if widths is None:
            return torch.ones(batch, columns, device=self.key.weight.device)
        frames = torch.clamp((widths + self.width_stride - 1) // self.width_stride, min=1, max=columns)
        return (torch.arange(columns, device=widths.device).unsqueeze(0) < frames.unsqueeze(1)).float()

    def forward(self, images: torch.Tensor, targets: dict | None = None, widths: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """images: (B, 1, 32, W) float in 0..255.

        With targets ({"labels", "label_lengths", "widths"} as CRNN takes them): {"loss", "logits"},
        teacher-forced, some steps fed the model's own previous prediction. Without: greedy decoding,
        {"tokens": (B, L), "probs": (B, L) each token's probability, "attention": (B, L, T)}.
        """
        if widths is None and targets is not None:
            widths = targets["widths"]
        columns = images.shape[3] // self.width_stride
        mask = self.column_mask(widths, columns, images.shape[0])
        memory, keys, hidden = self.encode(images, mask)
        if targets is not None:
            return self._teacher_forced(memory, keys, hidden, mask, targets)
        return self._greedy(memory, keys, hidden, mask)

    def _teacher_forced(self, memory, keys, hidden, mask, targets: dict) -> dict[str, torch.Tensor]:
        gold = self.tokenizer.targets_from_ctc(targets["labels"].cpu().numpy(), targets["label_lengths"].cpu().numpy())
        gold = torch.from_numpy(gold).to(memory.device)
        previous = torch.full((gold.shape[0],), Tokenizer.SOS, dtype=torch.long, device=memory.device)
        steps = []
        for t in range(gold.shape[1]):
            logits, hidden, _ = self.step(previous, hidden, memory, keys, mask)
            steps.append(logits)
            own = logits.argmax(1)
            feed_own = torch.rand(gold.shape[0], device=memory.device) < self.config.feed_predictions
            previous = torch.where(feed_own, own, gold[:, t])
        logits = torch.stack(steps, dim=1)  # (B, L, V)
        log_probs = fold_case(F.log_softmax(logits.float(), dim=2), targets.get("caseless"), *self.case_classes)
        loss = F.nll_loss(log_probs.reshape(-1, logits.shape[2]), gold.reshape(-1), ignore_index=Tokenizer.PAD)
        return {"loss": loss, "logits": logits}

    def _greedy(self, memory, keys, hidden, mask) -> dict[str, torch.Tensor]:
        batch = memory.shape[0]
        previous = torch.full((batch,), Tokenizer.SOS, dtype=torch.long, device=memory.device)
        done = torch.zeros(batch, dtype=torch.bool, device=memory.device)
        tokens, probs, attention = [], [], []
        for _ in range(self.config.max_length):
            logits, hidden, weights = self.step(previous, hidden, memory, keys, mask)
            p, previous = torch.softmax(logits.float(), dim=1).max(dim=1)
            previous = torch.where(done, torch.full_like(previous, Tokenizer.PAD), previous)
            tokens.append(previous)
            probs.append(p)
            attention.append(weights)
            done |= previous == Tokenizer.EOS
            if bool(done.all()):
                break
        return {"tokens": torch.stack(tokens, 1), "probs": torch.stack(probs, 1), "attention": torch.stack(attention, 1)}

    def model_args(self) -> dict:
        return asdict(self.config)


@register("attention", task="recognizer")
def attention(**overrides) -> AttentionOCR:
    if "channels" in overrides:
        overrides["channels"] = tuple(overrides["channels"])
    return AttentionOCR(AttentionConfig(**overrides))
