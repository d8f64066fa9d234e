"""Exact-name registry of model factories: one file per architecture registers its own."""

from __future__ import annotations

from typing import Callable

import torch.nn as nn

_FACTORIES: dict[str, Callable[..., nn.Module]] = {}
_TASKS: dict[str, str] = {}  # name -> "recognizer" or "detector"


def register(name: str, task: str) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    def add(factory: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _FACTORIES:
            raise ValueError(f"model {name!r} registered twice")
        _FACTORIES[name] = factory
        _TASKS[name] = task
        return factory

    return add


def create(name: str, **config) -> nn.Module:
    _import_architectures()
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(sorted(_FACTORIES))}") from None
    return factory(**config)


def task_of(name: str) -> str:
    """"recognizer" or "detector": what the architecture `name` is for."""
    _import_architectures()
    return _TASKS[name]


def names(task: str | None = None) -> list[str]:
    """Registered architectures, optionally only those for one task ("recognizer", "detector")."""
    _import_architectures()
    return sorted(name for name in _FACTORIES if task is None or _TASKS[name] == task)


def _import_architectures() -> None:
    # Importing a module runs its @register lines.
    from ocrforge.models import attention_ocr, crnn, dbnet, dram, ram  # noqa: F401
