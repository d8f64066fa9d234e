"""Exact-name registry of model factories: one file per architecture registers its own."""

from __future__ import annotations

from typing import Callable

import torch.nn as nn

_FACTORIES: dict[str, Callable[..., nn.Module]] = {}


def register(name: str) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    def add(factory: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _FACTORIES:
            raise ValueError(f"model {name!r} registered twice")
        _FACTORIES[name] = factory
        return factory

    return add


def create(name: str, **config) -> nn.Module:
    _import_architectures()
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(sorted(_FACTORIES))}") from None
    return factory(**config)


def names() -> list[str]:
    _import_architectures()
    return sorted(_FACTORIES)


def _import_architectures() -> None:
    # Importing a module runs its @register lines.
    from ocrforge.models import crnn  # noqa: F401
