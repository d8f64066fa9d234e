"""Where training runs: a GPU when asked for and present, never a silent fall-back when it is not."""

import pytest
import torch

from ocrforge.train.session import resolve_device, use_bf16


def test_auto_takes_what_there_is_and_cuda_without_a_gpu_is_an_error():
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == torch.device("cpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            resolve_device("cuda")
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        resolve_device("tpu")


def test_bf16_always_on_gpus_and_only_when_asked():
    assert use_bf16(True, torch.device("cuda"))
    assert not use_bf16(False, torch.device("cuda"))
    assert not use_bf16(False, torch.device("cpu"))
