"""Training on labels that carry no case (SROIE's receipts are transcribed in upper case whatever the
print shows): the loss scores such a label's letters in either case, so it never teaches case."""

from __future__ import annotations

import string

import torch


def case_pairs(chars: str, first_index: int) -> tuple[list[int], list[int]]:
    """Class indices of the upper- and lower-case form of each letter that has both in `chars`;
    character i of `chars` is class `first_index + i`."""
    upper, lower = [], []
    for big, small in zip(string.ascii_uppercase, string.ascii_lowercase):
        if big in chars and small in chars:
            upper.append(first_index + chars.index(big))
            lower.append(first_index + chars.index(small))
    return upper, lower


def fold_case(log_probs: torch.Tensor, caseless: torch.Tensor | None, upper: list[int], lower: list[int]) -> torch.Tensor:
    """(B, T, C) log-probabilities; in the rows that `caseless` (B,) marks, each upper-case class takes
    the probability of both cases and the lower-case class none. An upper-case label is then scored on
    its letters alone: reading them in lower case costs nothing, and nothing pushes towards either case."""
    if caseless is None or not bool(caseless.any()):
        return log_probs
    folded = log_probs.clone()
    folded[..., upper] = torch.logaddexp(log_probs[..., upper], log_probs[..., lower])
    folded[..., lower] = float("-inf")
    return torch.where(caseless.to(log_probs.device)[:, None, None], folded, log_probs)
