"""What each trainer is told: the one run config they all take (RunConfig, with each trainer's defaults),
and each trainer's own settings beside it. Kept free of torch: the command line takes its defaults from here
without loading it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RunDefaults:
    """What a trainer runs with unless told otherwise."""

    steps: int
    batch_size: int
    lr: float  # peak learning rate, after `warmup` steps; cosine decay to the last step
    val_every: int  # validate, and save last.pt (and best.pt), every this many steps
    warmup: int
    weight_decay: float


RECOGNIZER = RunDefaults(steps=20000, batch_size=64, lr=2e-3, val_every=1000, warmup=300, weight_decay=1e-2)
DETECTOR = RunDefaults(steps=6000, batch_size=8, lr=2e-3, val_every=500, warmup=200, weight_decay=1e-4)
RAM = RunDefaults(steps=20000, batch_size=128, lr=1e-3, val_every=1000, warmup=200, weight_decay=1e-4)
DRAM = RunDefaults(steps=20000, batch_size=64, lr=1e-3, val_every=1000, warmup=300, weight_decay=1e-4)


@dataclass(frozen=True)
class RunConfig(RunDefaults):
    """What every training run is given, whatever it trains (recognizer, detector, RAM, DRAM): a trainer's
    defaults, or the values given instead, and where it writes, runs and how long it may take."""

    out: Path  # run folder: checkpoints, log, metrics
    seed: int = 0
    threads: int = 2
    bf16: bool = True  # bfloat16 autocast, taken on GPUs and where the CPU has bf16 instructions (TrainingSession.run)
    resume: bool = False  # continue from out/last.pt
    init_from: Path | None = None  # start from these weights (fine-tuning), not from scratch
    minutes: float | None = None  # wall-clock budget: validate and save before it runs out, whatever the step
    device: str = "auto"  # "auto" (a CUDA GPU when there is one), "cpu" or "cuda"


@dataclass
class RecognizerTrainConfig:
    run: RunConfig
    shards: Path | None = None  # folder of pre-rendered shards (ocrforge synth shards); None: render live
    render_workers: int = 2  # worker processes rendering live when there are no shards
    render_seed: int = 1000  # stream seed for live rendering; training seeds are >= 100
    arch: str = "crnn"
    val_size: int = 500
    chunk_size: int = 2048  # samples sorted by width together before being cut into batches
    validation: str = "words"  # which fixed sets choose the best checkpoint: "words", "plates" for the plate recognizer,
    # "lines" the real validation sets alone by character error rate (handwriting)
    real: tuple[str, ...] = ()  # KIND:PATH sets of real crops mixed into every chunk of training samples
    real_caseless: tuple[str, ...] = ()  # the same, for sets whose labels carry no case (SROIE): never teach case
    real_handwritten: tuple[str, ...] = ()  # the same, for handwritten lines: also varied as hands vary
    real_share: float = 0.5  # the share of each batch drawn from the real sets (published practice: about half)
    real_val: tuple[str, ...] = ()  # KIND:PATH real validation sets, each reported on its own, scored case-insensitive alphanumeric
    model_args: dict = field(default_factory=dict)  # architecture settings (CRNNConfig fields...); a resumed run keeps its own


@dataclass
class DetectorTrainConfig:
    run: RunConfig
    shards: Path | None  # folder of detection shards (ocrforge synth detection-shards); None when every crop is real
    arch: str = "dbnet"
    crop_size: int = 384
    val_images: int | None = None  # at most this many validation images per kind (default: all)
    loader_workers: int = 1
    # which sets choose the best checkpoint: "text", "plates" for the plate detector, or "lines" for a line
    # detector (handwritten pages: the real sets' text lines are the boxes, and they alone choose)
    validation: str = "text"
    real: tuple[Path, ...] = ()  # folders of real detection records to train on
    real_share: float = 0.5  # of the training crops, this share is cut from the real images
    real_val: tuple[Path, ...] = ()  # real validation folders, scored beside the synthetic sets


@dataclass
class RAMTrainConfig:
    run: RunConfig
    data: str  # KIND:PATH of 28x28 training digits, e.g. mnist_csv:../shared/data/mnist/mnist_5k.csv.gz
    variant: str = "centred"
    model_args: dict = field(default_factory=dict)  # RAMConfig fields; image_size follows the variant


@dataclass
class DRAMTrainConfig:
    run: RunConfig
    shards: Path  # folder of `ocrforge synth house-numbers --shards` output
    real: str | None = None  # KIND:PATH of real house numbers with digit boxes, e.g. svhn_full:train/digitStruct.mat
    val_size: int = 500
    box_guidance: float = 0.5  # share of the run in which digit boxes guide the glimpses, fading to 0
    model_args: dict = field(default_factory=dict)
