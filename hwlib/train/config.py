"""A training run's settings and result: :class:`TrainConfig` (validated by
:meth:`TrainConfig.resolved`), the datasets' default settings, the batch
sizes of evaluation and grading, :class:`TrainResult` and the device choice.

Conventions: see :mod:`hwlib.train`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from torch import nn

from .precision import PRECISIONS, Precision

# The seeds' settings: EuroSAT (seed 000) and Fashion-MNIST (seed 004).
DEFAULTS = {
    "eurosat": {"epochs": 20, "batch_size": 64, "lr": 1e-3, "dropout": 0.05},
    "fashion-mnist": {"epochs": 30, "batch_size": 128, "lr": 1e-3, "dropout": 0.5,
                      "weight_decay": 5e-4},
}
TRAIN_SIZES = {"eurosat": 21_600, "fashion-mnist": 60_000}
SCHEDULES = ("constant", "cosine")
OPTIMIZERS = ("adam", "adamw")
EVAL_BATCH = 1024
# Grading batch on CPU: large enough to amortise per-call overhead, small enough
# that a batch's activations stay in cache (measured: 256 beats 1024 on 2 cores).
GRADE_BATCH = 256
# Grading at bf16: near ties (top-two logit gap under this fraction of the largest
# |logit|) are re-evaluated in fp32; on the reference model ~7% of the test images.
GRADE_RECHECK = 0.1


@dataclass
class TrainConfig:
    """Settings of one training run; None epochs/batch_size mean the dataset default."""

    dataset: str = "eurosat"
    bn: bool = False
    dropout: float = 0.0
    weight_decay: float = 0.0
    epochs: int | None = None
    batch_size: int | None = None
    lr: float = 1e-3
    seed: int = 0
    limit: int | None = None
    device: str = "auto"
    precision: str = "auto"
    amp: bool = False
    channels_last: bool | None = None
    compile: bool = False
    augment: bool = False
    schedule: str = "constant"
    warmup_epochs: int = 0
    label_smoothing: float = 0.0
    optimizer: str = "adam"
    label: str = ""

    def resolved(self) -> "TrainConfig":
        """A copy with dataset defaults filled in and every value validated."""
        if self.dataset not in DEFAULTS:
            raise ValueError(f"unknown dataset {self.dataset!r}; expected one of "
                             f"{', '.join(DEFAULTS)}")
        d = DEFAULTS[self.dataset]
        cfg = replace(self,
                      epochs=d["epochs"] if self.epochs is None else int(self.epochs),
                      batch_size=d["batch_size"] if self.batch_size is None else int(self.batch_size),
                      channels_last=(self.dataset == "eurosat") if self.channels_last is None
                      else bool(self.channels_last))
        if cfg.epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {cfg.epochs}")
        if cfg.batch_size < 2:
            raise ValueError(f"batch size must be >= 2, got {cfg.batch_size}")
        if not cfg.lr > 0:
            raise ValueError(f"learning rate must be positive, got {cfg.lr}")
        if cfg.weight_decay < 0:
            raise ValueError(f"weight decay must be >= 0, got {cfg.weight_decay}")
        if cfg.limit is not None and cfg.limit < 2:
            raise ValueError(f"limit must be >= 2 images, got {cfg.limit}")
        if cfg.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, "
                             f"got {cfg.precision!r}")
        if cfg.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {cfg.schedule!r}")
        if not 0 <= cfg.warmup_epochs < cfg.epochs:
            raise ValueError(f"warm-up epochs must lie in [0, epochs), got {cfg.warmup_epochs}")
        if not 0.0 <= cfg.label_smoothing < 1.0:
            raise ValueError(f"label smoothing must lie in [0, 1), got {cfg.label_smoothing}")
        if cfg.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {cfg.optimizer!r}")
        if cfg.amp and cfg.precision == "fp32":
            raise ValueError("amp=True (bf16 autocast) contradicts precision='fp32'")
        return cfg


@dataclass
class TrainResult:
    """What :func:`fit` returns: the trained model and its per-epoch history."""

    model: nn.Module
    config: TrainConfig
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    out_dir: Path | None = None
    n_train: int = 0
    precision: Precision | None = None

    @property
    def final(self) -> dict:
        """The last epoch's history row."""
        return self.history[-1]


def resolve_device(name: str | None = "auto") -> torch.device:
    """'auto' (or None) picks CUDA when present, else CPU; other names pass through."""
    if name in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} requested but CUDA is not available")
    return device
