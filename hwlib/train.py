"""Training loop, ablations, evaluation and grading for the two experiments.

One loop (:func:`fit`) trains both networks of :mod:`hwlib.models`:

* Data: the uint8 tensors of :mod:`hwlib.data` stay in memory (on a GPU, on
  the device) and each mini-batch is sliced from them and converted to float
  in ``[0, 1]`` on the fly; there is no DataLoader and no per-epoch decoding.
* Determinism: the weights are initialised after ``torch.manual_seed(seed)``;
  epoch ``e`` shuffles with a generator seeded by ``(seed, e)`` and reseeds
  the dropout RNG the same way, so a run resumed from its checkpoint repeats
  the uninterrupted run. On CUDA, cuDNN is put in deterministic mode.
* Optimiser: Adam; weight decay is the classic L2 term added to the gradient
  (``torch.optim.Adam(weight_decay=...)``, as in seed 004), not AdamW.
* Outputs (when an output folder is given): ``history.json`` and
  ``history.csv`` (one row per epoch), ``checkpoint.pt`` (model, optimiser,
  epoch, config, history; used by ``resume``), ``model.pt`` (the model's
  state dict alone, what :func:`grade_trained_model` reads) and
  ``curves.png``.
* Reported train accuracy is the running accuracy over the epoch's
  mini-batches in training mode (dropout active), the number a notebook
  prints during training; test accuracy is measured in eval mode after each
  epoch on the whole test split.
"""
from __future__ import annotations

import csv
import json
import math
import os
import sys
import textwrap
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from . import data as hdata
from .models import build_model, count_parameters, fuse_for_inference

__all__ = ["TrainConfig", "DEFAULTS", "TrainResult", "resolve_device", "to_input",
           "PRECISIONS", "Precision", "native_bf16", "choose_precision",
           "train_one_epoch", "evaluate", "fit", "plot_histories", "ablation_configs",
           "run_ablation", "format_ablation_table", "ablation_header", "load_state_dict_file",
           "load_weights", "evaluate_weights", "grade_trained_model", "test_split",
           "dihedral_augment", "cosine_lr", "steps_per_epoch"]

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


# ------------------------------------------------------------- precision

PRECISIONS = ("auto", "bf16", "fp32")
_CPU_BF16_FLAGS = ("amx_bf16", "avx512_bf16")


@dataclass(frozen=True)
class Precision:
    """The arithmetic a run uses: bf16 autocast or fp32, and why it was chosen."""

    name: str     # "bf16" or "fp32"
    reason: str   # e.g. "CPU has avx512_bf16", "forced by --precision fp32"

    @property
    def amp(self) -> bool:
        """Whether bf16 autocast is on."""
        return self.name == "bf16"

    def describe(self) -> str:
        """One line for logs, e.g. ``precision: bf16 autocast (CPU has avx512_bf16)``."""
        what = "bf16 autocast" if self.amp else "fp32"
        return f"precision: {what} ({self.reason})"


def _cpu_flags() -> set[str]:
    """The CPU feature flags of /proc/cpuinfo (empty where there is none, e.g. macOS)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def native_bf16(device: torch.device | str = "cpu") -> tuple[bool, str]:
    """Whether ``device`` computes bf16 natively, with the evidence in words.

    CUDA: ``torch.cuda.is_bf16_supported()`` (Ampere and later). CPU: oneDNN
    (``torch.backends.mkldnn``) must be available and the CPU must have AMX-BF16
    or AVX512-BF16, read from torch's own probes when this torch has them,
    else from /proc/cpuinfo. Without those instructions bf16 autocast is
    emulated and several times slower than fp32.
    """
    device = torch.device(device)
    if device.type == "cuda":
        ok = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        name = torch.cuda.get_device_name(device) if torch.cuda.is_available() else "CUDA device"
        return ok, f"GPU {name} {'supports' if ok else 'does not support'} bf16"
    if device.type != "cpu":
        return False, f"no bf16 fast path known for device type {device.type!r}"
    if not torch.backends.mkldnn.is_available():
        return False, "this torch build has no oneDNN (mkldnn)"
    probes = {"amx_bf16": getattr(torch.cpu, "_is_amx_tile_supported", None),
              "avx512_bf16": getattr(torch.cpu, "_is_avx512_bf16_supported", None)}
    if all(probes.values()):
        found = [flag for flag in _CPU_BF16_FLAGS if probes[flag]()]
    else:
        flags = _cpu_flags()
        found = [flag for flag in _CPU_BF16_FLAGS if flag in flags]
    if found:
        return True, f"CPU has {' and '.join(found)}"
    return False, "CPU has neither amx_bf16 nor avx512_bf16"


def choose_precision(device: torch.device | str = "cpu", requested: str = "auto") -> Precision:
    """The precision for ``device``: 'auto' takes bf16 autocast where it is native, else fp32.

    'bf16' and 'fp32' force that choice ('bf16' on a device without native
    bf16 still runs, emulated and slow, and says so).
    """
    if requested not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {requested!r}")
    ok, why = native_bf16(device)
    if requested == "fp32":
        return Precision("fp32", "forced by --precision fp32")
    if requested == "bf16":
        return Precision("bf16", "forced by --precision bf16" + ("" if ok else f"; {why}: emulated, slow"))
    return Precision("bf16", why) if ok else Precision("fp32", why)


def _seed_for(seed: int, epoch: int) -> int:
    """A per-epoch seed derived from the run seed (distinct streams per epoch)."""
    return (seed * 1_000_003 + epoch * 7_919) % (2**63 - 1)


def to_input(xb: torch.Tensor, channels_last: bool) -> torch.Tensor:
    """uint8 images (N, C, H, W) -> float32 in [0, 1] (the ToTensor convention)."""
    x = xb.float().mul_(1.0 / 255.0)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def _autocast(device: torch.device, amp: bool):
    """bf16 autocast context on ``device`` when ``amp``, else a disabled one."""
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp)


def dihedral_augment(xb: torch.Tensor) -> torch.Tensor:
    """Each square image of ``xb`` (N, C, H, H) under one of the 8 symmetries of the square.

    A random horizontal flip and a random rotation by 0, 90, 180 or 270
    degrees per image (uniform over the dihedral group D4), drawn from
    torch's global RNG on ``xb``'s device. Satellite tiles have no preferred
    orientation, so every one of these is an equally valid training image.
    """
    k = torch.randint(0, 8, (len(xb),), device=xb.device)
    out = torch.where((k >= 4).view(-1, 1, 1, 1), xb.flip(3), xb)
    rot = k % 4
    rotated = out.clone()
    for r in (1, 2, 3):
        mask = rot == r
        rotated[mask] = out[mask].rot90(r, (2, 3))
    return rotated


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Optimiser steps in one pass over ``n`` images (a trailing single image is dropped)."""
    return sum(1 for _ in _batches(n, batch_size, None))


def cosine_lr(base_lr: float, total_steps: int, warmup_steps: int = 0):
    """``step -> lr``: linear warm-up from ~0 over ``warmup_steps``, then cosine decay to 0."""
    def lr_at(step: int) -> float:
        if step < warmup_steps:
            return base_lr * (step + 1) / warmup_steps
        t = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return base_lr * 0.5 * (1.0 + math.cos(math.pi * min(1.0, t)))
    return lr_at


def _batches(n: int, batch_size: int, order: torch.Tensor | None):
    """Index slices of one pass; a trailing batch of one sample is dropped (BN needs 2)."""
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        if stop - start < 2 and start > 0:
            return
        yield order[start:stop] if order is not None else slice(start, stop)


def train_one_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                    y: torch.Tensor, batch_size: int, *, generator: torch.Generator,
                    channels_last: bool = False, amp: bool = False,
                    augment: bool = False, label_smoothing: float = 0.0,
                    lr_at=None, step0: int = 0,
                    progress: bool = False, desc: str = "") -> tuple[float, float]:
    """One pass of mini-batch training with cross-entropy; returns (mean loss, accuracy).

    x: uint8 tensor (N, C, H, W) and y: int64 (N,), on the model's device.
    The order is a permutation drawn from ``generator`` (a CPU generator).
    Loss and accuracy are averaged over the samples seen, in training mode
    (with label smoothing the loss is the smoothed one).
    augment: a random flip/rotation by a multiple of 90 degrees per image
    (:func:`dihedral_augment`, drawn from torch's global RNG).
    lr_at: optional ``step -> learning rate``, set on every parameter group
    before optimiser step ``step0 + i`` (a schedule over the whole run).
    """
    from tqdm.auto import tqdm

    device = x.device
    model.train()
    order = torch.randperm(len(x), generator=generator).to(device)
    total = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    seen = 0
    # disable=None: a bar only on a terminal, so logs of batch jobs stay readable
    bar = tqdm(total=math.ceil(len(x) / batch_size), desc=desc, leave=False,
               disable=None if progress else True, unit="batch", file=sys.stderr)
    for step, idx in enumerate(_batches(len(x), batch_size, order)):
        xb, yb = x[idx], y[idx]
        if augment:
            xb = dihedral_augment(xb)
        xb = to_input(xb, channels_last)
        if lr_at is not None:
            lr = lr_at(step0 + step)
            for group in optimizer.param_groups:
                group["lr"] = lr
        with _autocast(device, amp):
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        # Accumulate on the device; reading .item() every step would stall a GPU.
        total += loss.detach() * len(yb)
        correct += (logits.argmax(1) == yb).sum()
        seen += len(yb)
        bar.update(1)
        if not bar.disable and step % 20 == 0:
            bar.set_postfix(loss=f"{total.item() / seen:.4f}", acc=f"{correct.item() / seen:.4f}")
    bar.close()
    return total.item() / seen, correct.item() / seen


@torch.inference_mode()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *,
             batch_size: int = EVAL_BATCH, channels_last: bool = False,
             amp: bool = False, recheck: float = 0.0) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` in eval mode on uint8 images x (N, C, H, W).

    amp: bf16 autocast (the loss is computed from the logits in fp32).
    recheck (with amp): images whose two largest bf16 logits are closer than
    ``recheck`` times their largest absolute logit are evaluated again in
    fp32, so that a near tie, where bf16 rounding could flip the prediction,
    is decided at fp32 (bf16 logits carry a relative error of a few
    percent at most; 0 turns this off). Runs under ``torch.inference_mode``.
    """
    was_training = model.training
    model.eval()
    total = torch.zeros((), device=x.device, dtype=torch.float64)
    correct = torch.zeros((), device=x.device, dtype=torch.long)
    for start in range(0, len(x), batch_size):
        xb = to_input(x[start:start + batch_size], channels_last)
        yb = y[start:start + batch_size]
        with _autocast(x.device, amp):
            logits = model(xb).float()
        if amp and recheck > 0:
            top2 = logits.topk(2, dim=1).values
            close = (top2[:, 0] - top2[:, 1]) < recheck * logits.abs().amax(1)
            if close.any():
                logits[close] = model(xb[close]).float()
        total += F.cross_entropy(logits, yb, reduction="sum").double()
        correct += (logits.argmax(1) == yb).sum()
    model.train(was_training)
    return total.item() / len(x), correct.item() / len(x)


def _setup_backend(device: torch.device) -> None:
    """Deterministic cuDNN on CUDA; flush denormals on CPU (they slow training down)."""
    if device.type == "cuda":
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    else:
        torch.set_flush_denormal(True)


def _subset(data: hdata.SplitData, limit: int | None, seed: int) -> hdata.SplitData:
    """The split with only ``limit`` stratified training images (test set untouched)."""
    if limit is None or limit >= len(data.y_train):
        return data
    idx = hdata.stratified_subset(data.y_train, limit, seed=seed)
    return replace(data, x_train=data.x_train[idx], y_train=data.y_train[idx])


def _optimizer(model: nn.Module, cfg: TrainConfig, device: torch.device) -> torch.optim.Optimizer:
    """Adam with L2 weight decay (or AdamW, decoupled decay) at the config's lr; fused on CUDA."""
    kwargs = {"fused": True} if device.type == "cuda" else {}
    cls = torch.optim.AdamW if cfg.optimizer == "adamw" else torch.optim.Adam
    return cls(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, **kwargs)


# values of settings that checkpoints written before they existed implicitly had
_LEGACY = {"augment": False, "schedule": "constant", "warmup_epochs": 0, "label_smoothing": 0.0,
           "optimizer": "adam"}


def _same_run(a: dict, b: dict) -> bool:
    """Whether two config dicts describe the same run (device/progress aside)."""
    keys = ("dataset", "bn", "dropout", "weight_decay", "batch_size", "lr", "seed", "limit",
            "precision", "augment", "schedule", "warmup_epochs", "label_smoothing", "optimizer")
    # a constant learning rate can be extended by more epochs; a schedule cannot
    same_length = a.get("schedule", "constant") == "constant" or a.get("epochs") == b.get("epochs")
    return same_length and all(a.get(k, _LEGACY.get(k)) == b.get(k) for k in keys)


def _save_outputs(out: Path, result: TrainResult, net: nn.Module, optimizer) -> None:
    """Write history (JSON, CSV), checkpoint and model state dict under ``out`` (every epoch)."""
    out.mkdir(parents=True, exist_ok=True)
    write_history(result.history, out)
    state = {k: v.detach().cpu() for k, v in net.state_dict().items()}
    ckpt = {"model": state, "optimizer": optimizer.state_dict(),
            "epoch": result.history[-1]["epoch"], "config": asdict(result.config),
            "history": result.history}
    hdata._atomic_save(ckpt, out / "checkpoint.pt")
    hdata._atomic_save(state, out / "model.pt")


def write_history(history: list[dict], out: Path) -> None:
    """Save per-epoch rows as ``history.json`` and ``history.csv`` in ``out``."""
    (out / "history.json").write_text(json.dumps(history, indent=2))
    with open(out / "history.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(history[0]))
        writer.writeheader()
        writer.writerows(history)


def fit(config: TrainConfig, data: hdata.SplitData | None = None, *,
        data_root=None, cache=None, out_dir: str | os.PathLike | None = None,
        resume: bool = False, progress: bool = True) -> TrainResult:
    """Train the config's network and return the model with its per-epoch history.

    data: a preloaded :class:`hwlib.data.SplitData` (else loaded from
    ``data_root``/``cache``). out_dir: where history, checkpoint, state dict
    and curves go (nothing is written when None). resume: continue from
    ``out_dir/checkpoint.pt`` when it holds the same run.
    """
    cfg = config.resolved()
    device = resolve_device(cfg.device)
    _setup_backend(device)
    precision = choose_precision(device, "bf16" if cfg.amp else cfg.precision)
    cfg = replace(cfg, precision=precision.name, amp=precision.amp)
    if progress:
        print(precision.describe(), file=sys.stderr)
    if data is None:
        data = hdata.load_dataset(cfg.dataset, data_root, cache, progress=progress)
    data = _subset(data, cfg.limit, cfg.seed).to(device)

    torch.manual_seed(cfg.seed)
    net = build_model(cfg.dataset, bn=cfg.bn, dropout=cfg.dropout).to(device)
    if cfg.channels_last:
        net = net.to(memory_format=torch.channels_last)
    optimizer = _optimizer(net, cfg, device)
    result = TrainResult(net, cfg, out_dir=Path(out_dir) if out_dir else None,
                         n_train=len(data.y_train), precision=precision)
    ckpt_path = result.out_dir / "checkpoint.pt" if result.out_dir else None
    if resume and ckpt_path is not None and ckpt_path.exists():
        ckpt = torch.load(ckpt_path, map_location=device, weights_only=True)
        if _same_run(ckpt["config"], asdict(cfg)):
            net.load_state_dict(ckpt["model"])
            optimizer.load_state_dict(ckpt["optimizer"])
            result.history = list(ckpt["history"])
        elif progress:
            print(f"{ckpt_path} belongs to another configuration; starting afresh",
                  file=sys.stderr)
    step_model = torch.compile(net) if cfg.compile else net
    n_steps = steps_per_epoch(len(data.y_train), cfg.batch_size)
    lr_at = (cosine_lr(cfg.lr, n_steps * cfg.epochs, n_steps * cfg.warmup_epochs)
             if cfg.schedule == "cosine" else None)

    start = time.perf_counter()
    for epoch in range(len(result.history) + 1, cfg.epochs + 1):
        t0 = time.perf_counter()
        torch.manual_seed(_seed_for(cfg.seed, epoch))  # dropout masks of this epoch
        gen = torch.Generator().manual_seed(_seed_for(cfg.seed, epoch))
        desc = f"{cfg.label or cfg.dataset} epoch {epoch}/{cfg.epochs}"
        train_loss, train_acc = train_one_epoch(
            step_model, optimizer, data.x_train, data.y_train, cfg.batch_size,
            generator=gen, channels_last=cfg.channels_last, amp=cfg.amp,
            augment=cfg.augment, label_smoothing=cfg.label_smoothing,
            lr_at=lr_at, step0=(epoch - 1) * n_steps, progress=progress, desc=desc)
        test_loss, test_acc = evaluate(step_model, data.x_test, data.y_test,
                                       channels_last=cfg.channels_last, amp=cfg.amp)
        row = {"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
               "test_loss": test_loss, "test_acc": test_acc,
               "lr": optimizer.param_groups[0]["lr"],
               "seconds": round(time.perf_counter() - t0, 3)}
        result.history.append(row)
        if progress:
            print(f"{desc}: train loss {train_loss:.4f} acc {train_acc:.4f} | "
                  f"test loss {test_loss:.4f} acc {test_acc:.4f} | {row['seconds']:.1f}s",
                  file=sys.stderr)
        if result.out_dir is not None:
            _save_outputs(result.out_dir, result, net, optimizer)
    result.seconds = time.perf_counter() - start
    if result.out_dir is not None and result.history:
        # once per run: a matplotlib figure costs more than a GPU epoch
        plot_histories({cfg.label or cfg.dataset: result.history},
                       result.out_dir / "curves.png", title=_run_title(cfg))
    return result


# --------------------------------------------------------------- plotting

def _run_title(cfg: TrainConfig) -> str:
    """One-line description of a run's setting (epochs, training images, batch, lr)."""
    full = TRAIN_SIZES[cfg.dataset]
    n = (f"{cfg.limit:,} training images (--limit; the full set has {full:,})" if cfg.limit
         else f"all {full:,} training images")
    epochs = f"{cfg.epochs} epoch{'s' if cfg.epochs != 1 else ''}"
    opt = "AdamW" if cfg.optimizer == "adamw" else "Adam"
    title = f"{cfg.dataset}: {epochs}, {n}, batch {cfg.batch_size}, {opt} lr {cfg.lr:g}, seed {cfg.seed}"
    if cfg.optimizer == "adamw" and cfg.weight_decay:
        title += f", decoupled weight decay {cfg.weight_decay:g}"
    if cfg.schedule == "cosine":
        title += ", cosine lr" + (f" after {cfg.warmup_epochs} warm-up epoch"
                                  f"{'s' if cfg.warmup_epochs != 1 else ''}" if cfg.warmup_epochs else "")
    if cfg.augment:
        title += ", flips/90-degree rotations"
    if cfg.label_smoothing:
        title += f", label smoothing {cfg.label_smoothing:g}"
    if cfg.precision in ("bf16", "fp32"):
        title += f", {'bf16 autocast' if cfg.precision == 'bf16' else 'fp32'}"
    return title


def plot_histories(histories: dict[str, list[dict]], path: str | os.PathLike,
                   title: str = "") -> Path:
    """Save loss and accuracy curves (train dashed, test solid) of several runs as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2))
    for i, (label, hist) in enumerate(histories.items()):
        color = f"C{i}"
        ep = [r["epoch"] for r in hist]
        few = len(ep) < 3  # markers make one- or two-epoch runs visible
        for ax, key in ((ax_loss, "loss"), (ax_acc, "acc")):
            ax.plot(ep, [r[f"train_{key}"] for r in hist], "--", color=color,
                    marker="s" if few else None, label=f"{label} train")
            ax.plot(ep, [r[f"test_{key}"] for r in hist], "-", color=color,
                    marker="o" if few else None, label=f"{label} test")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax_acc.legend(fontsize=7, ncol=2)
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(textwrap.fill(title, 140), fontsize=8)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --------------------------------------------------------------- ablation

def ablation_configs(dataset: str, dropout: float | None = None,
                     weight_decay: float | None = None) -> list[dict]:
    """The seed's configurations as dicts of (label, bn, dropout, weight_decay).

    EuroSAT (seed 000, Table 1 order): BN off/on x dropout off/on with
    p = 0.05 by default. Fashion-MNIST (seed 004): baseline, dropout (p = 0.5
    in the hidden FC layers by default), weight decay (5e-4 by default), BN.
    """
    d = DEFAULTS.get(dataset)
    if d is None:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DEFAULTS)}")
    p = d["dropout"] if dropout is None else float(dropout)
    if dataset == "eurosat":
        return [{"label": f"{'BN' if bn else 'noBN'}-{'drop' if do else 'nodrop'}",
                 "bn": bn, "dropout": p if do else 0.0, "weight_decay": 0.0}
                for bn, do in ((False, False), (True, False), (False, True), (True, True))]
    wd = d["weight_decay"] if weight_decay is None else float(weight_decay)
    return [{"label": "baseline", "bn": False, "dropout": 0.0, "weight_decay": 0.0},
            {"label": "dropout", "bn": False, "dropout": p, "weight_decay": 0.0},
            {"label": "weight-decay", "bn": False, "dropout": 0.0, "weight_decay": wd},
            {"label": "batchnorm", "bn": True, "dropout": 0.0, "weight_decay": 0.0}]


def ablation_header(dataset: str, base: TrainConfig) -> str:
    """Table header naming epochs/limit/p/decay; says plainly when it is not the seed's setting."""
    d = DEFAULTS[dataset]
    cfg = base.resolved()
    p = cfg.dropout or d["dropout"]
    wd = cfg.weight_decay or d.get("weight_decay", 0.0)
    seed_like = (cfg.epochs == d["epochs"] and cfg.limit is None and cfg.batch_size == d["batch_size"]
                 and cfg.lr == d["lr"] and p == d["dropout"] and wd == d.get("weight_decay", 0.0)
                 and not cfg.augment and cfg.schedule == "constant" and not cfg.label_smoothing
                 and cfg.optimizer == "adam")
    name = {"eurosat": "EuroSAT (seed 000)", "fashion-mnist": "Fashion-MNIST (seed 004)"}[dataset]
    setting = _run_title(cfg).split(": ", 1)[1] + f", dropout p={p:g}"
    setting += f", weight decay {wd:g}" if dataset == "fashion-mnist" else ""
    if seed_like:
        return f"{name} ablation: {setting}. This is the seed's setting."
    seed = (f"{d['epochs']} epochs, all {TRAIN_SIZES[dataset]:,} training images, "
            f"batch {d['batch_size']}, lr {d['lr']:g}, dropout p={d['dropout']:g}")
    seed += f", weight decay {d['weight_decay']:g}" if dataset == "fashion-mnist" else ""
    flag = "SHORTENED RUN" if (cfg.limit or cfg.epochs < d["epochs"]) else "CHANGED SETTING"
    return (f"{name} ablation, {flag}: {setting}. NOT the seed's setting "
            f"({seed}); do not compare with the seed's numbers.")


def format_ablation_table(rows: list[dict], dataset: str, header: str = "") -> str:
    """The ablation result as a markdown table in the seed's column layout."""
    def pct(v):
        return f"{100 * v:.2f}"

    if dataset == "eurosat":
        cols = ["Batch Normalization", "Dropout"]
        lead = [["with" if r["bn"] else "without",
                 f"with (p={r['dropout']:g})" if r["dropout"] else "without"] for r in rows]
    else:
        cols = ["Configuration", "BN", "Dropout", "Weight decay"]
        lead = [[r["label"], "yes" if r["bn"] else "no",
                 f"{r['dropout']:g}" if r["dropout"] else "no",
                 f"{r['weight_decay']:g}" if r["weight_decay"] else "no"] for r in rows]
    cols += ["Train Acc (%)", "Train Error (%)", "Test Acc (%)", "Test Error (%)"]
    body = [lead_i + [pct(r["train_acc"]), pct(1 - r["train_acc"]),
                      pct(r["test_acc"]), pct(1 - r["test_acc"])]
            for lead_i, r in zip(lead, rows)]
    widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(cols)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(cols), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(b) for b in body]
    text = "\n".join(out)
    note = ("Train accuracy: running mean over the last epoch's mini-batches (training mode); "
            "test accuracy: eval mode on the full test split after the last epoch.")
    return (f"{header}\n\n" if header else "") + text + f"\n\n{note}\n"


def run_ablation(dataset: str, base: TrainConfig | None = None, *, data=None,
                 data_root=None, cache=None, out: str | os.PathLike = "runs",
                 progress: bool = True, resume: bool = False) -> dict:
    """Train every seed configuration of ``dataset`` and save the comparison table.

    base: shared settings (epochs, limit, batch size, lr, seed, device, ...);
    its bn/dropout/weight_decay are replaced per configuration (its dropout,
    when nonzero, sets p of the dropout configurations; likewise weight
    decay). Writes ``table.md``, ``table.csv``, ``table.json`` and
    ``curves.png`` under ``out/<dataset>-ablation/`` plus one run folder per
    configuration. Returns ``{"header", "rows", "table", "dir"}``.
    """
    base = replace(base or TrainConfig(), dataset=dataset)
    configs = ablation_configs(dataset, dropout=base.dropout or None,
                               weight_decay=base.weight_decay or None)
    if data is None:
        data = hdata.load_dataset(dataset, data_root, cache, progress=progress)
    folder = Path(out) / f"{dataset}-ablation"
    folder.mkdir(parents=True, exist_ok=True)
    rows, histories = [], {}
    for c in configs:
        cfg = replace(base, **c)
        res = fit(cfg, data, out_dir=folder / c["label"], resume=resume, progress=progress)
        histories[c["label"]] = res.history
        cfg_r = res.config
        rows.append({**c, "epochs": cfg_r.epochs, "limit": cfg_r.limit,
                     "batch_size": cfg_r.batch_size, "lr": cfg_r.lr, "seed": cfg_r.seed,
                     "parameters": count_parameters(res.model),
                     "train_loss": res.final["train_loss"], "train_acc": res.final["train_acc"],
                     "test_loss": res.final["test_loss"], "test_acc": res.final["test_acc"],
                     "best_test_acc": max(r["test_acc"] for r in res.history),
                     "seconds": round(res.seconds, 2)})
    header = ablation_header(dataset, base)
    table = format_ablation_table(rows, dataset, header)
    (folder / "table.md").write_text(table)
    (folder / "table.json").write_text(json.dumps({"header": header, "rows": rows,
                                                    "histories": histories}, indent=2))
    with open(folder / "table.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    plot_histories(histories, folder / "curves.png", title=header.split(". NOT")[0])
    return {"header": header, "rows": rows, "table": table, "dir": folder}


# ------------------------------------------------------ evaluate and grade

class WeightsError(ValueError):
    """A weights file that is missing, unreadable or does not fit the network."""


_PREFIXES = ("module.", "_orig_mod.")  # DataParallel and torch.compile wrappers


def load_state_dict_file(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Read a state dict saved by ``torch.save(model.state_dict(), path)``.

    Loads with ``weights_only=True`` (no arbitrary unpickling). Also accepts
    an hwlib ``checkpoint.pt`` (its ``"model"`` entry) and strips the
    ``module.``/``_orig_mod.`` prefixes of wrapped models. Raises
    :class:`WeightsError` with a readable message otherwise.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file {path} not found: save it with "
                           "torch.save(model.state_dict(), path)")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise WeightsError(
            f"{path} could not be loaded as a state dict with torch.load(weights_only=True) "
            f"({type(exc).__name__}); save model.state_dict(), not the whole model "
            f"or another object") from exc
    if isinstance(obj, dict) and isinstance(obj.get("model"), dict) and "optimizer" in obj:
        obj = obj["model"]
    if not isinstance(obj, dict) or not obj or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items()):
        raise WeightsError(f"{path} holds a {type(obj).__name__}, not a state dict "
                           "(a mapping from parameter names to tensors)")
    for prefix in _PREFIXES:
        if all(k.startswith(prefix) for k in obj):
            obj = {k[len(prefix):]: v for k, v in obj.items()}
    return obj


def _is_counter(key: str, value: torch.Tensor) -> bool:
    """Whether an entry is BN's num_batches_tracked counter (an integer scalar, not needed to predict)."""
    return key.endswith("num_batches_tracked") or (value.dim() == 0 and not value.is_floating_point())


def _fit_state_dict(model: nn.Module, state: dict[str, torch.Tensor]) -> str:
    """Load ``state`` into ``model``; returns a note, raises WeightsError naming bad keys.

    Keys must match the model's (BN counters may be absent). If the names
    differ but the tensors' shapes match ours one for one in order, the
    weights are loaded by position (a student's own layer names).
    """
    ours = {k: v for k, v in model.state_dict().items() if not _is_counter(k, v)}
    theirs = {k: v for k, v in state.items() if not _is_counter(k, v)}
    missing = [k for k in ours if k not in theirs]
    unexpected = [k for k in theirs if k not in ours]
    bad_shape = [f"{k} {tuple(theirs[k].shape)} vs expected {tuple(ours[k].shape)}"
                 for k in ours if k in theirs and theirs[k].shape != ours[k].shape]
    if not (missing or unexpected or bad_shape):
        model.load_state_dict(theirs, strict=False)
        return ""
    if [v.shape for v in ours.values()] == [v.shape for v in theirs.values()]:
        model.load_state_dict(dict(zip(ours, theirs.values())), strict=False)
        return " (parameter names differ from hwlib's; loaded by position, all shapes match)"

    def show(items):
        return ", ".join(items[:6]) + (f", ... ({len(items)} in all)" if len(items) > 6 else "")

    parts = []
    if missing:
        parts.append(f"missing keys: {show(missing)}")
    if unexpected:
        parts.append(f"unexpected keys: {show(unexpected)}")
    if bad_shape:
        parts.append(f"shape mismatches: {show(bad_shape)}")
    raise WeightsError(f"the state dict does not fit {type(model).__name__}"
                       f"(bn={model.bn}, dropout={model.dropout}): " + "; ".join(parts))


def load_weights(path: str | os.PathLike, dataset: str = "eurosat", bn: bool | None = None,
                 dropout: float = 0.0) -> tuple[nn.Module, str]:
    """Build the dataset's network and load a saved state dict into it (eval mode).

    bn: None infers it from the file: a ``running_mean`` entry means BN, and
    a file that fits only the other variant (e.g. renamed layers) is loaded
    as that one. Dropout only matters in training, so its value never blocks
    loading. Returns ``(model, note)``; raises :class:`WeightsError` on any
    mismatch (naming the keys, for the inferred variant).
    """
    state = load_state_dict_file(path)
    guess = any(k.endswith("running_mean") for k in state) if bn is None else bn
    options = [guess] if bn is not None else [guess, not guess]
    first_error = None
    for choice in options:
        model = build_model(dataset, bn=choice, dropout=dropout)
        try:
            note = _fit_state_dict(model, state)
        except WeightsError as exc:
            first_error = first_error or exc
            continue
        return model.eval(), note
    raise first_error


_TEST_SPLITS: dict = {}


def test_split(dataset: str, data_root=None, cache=None) -> tuple[torch.Tensor, torch.Tensor]:
    """The dataset's test images and labels, kept in memory for the process's later calls.

    A grader scores many submissions in one process: the decoded cache is
    read once (seconds for EuroSAT), not once per submission. Keyed by the
    resolved data root and cache directory; only the test split is kept.
    """
    key = (dataset, str(hdata.data_root(data_root)), str(hdata.cache_dir(cache)))
    if key not in _TEST_SPLITS:
        data = hdata.load_dataset(dataset, data_root, cache)
        _TEST_SPLITS[key] = (data.x_test.clone(), data.y_test.clone())
    return _TEST_SPLITS[key]


def evaluate_weights(path: str | os.PathLike, dataset: str = "eurosat", *, bn: bool | None = None,
                     dropout: float = 0.0, data: hdata.SplitData | None = None, data_root=None,
                     cache=None, device: str | None = "auto", batch_size: int | None = None,
                     precision: str = "auto") -> dict:
    """Test-split loss and accuracy of a saved state dict, at the hardware's best precision.

    The network is loaded in eval mode, its batch norms folded into the
    preceding layers (:func:`hwlib.models.fuse_for_inference`), put in
    channels-last (EuroSAT) and run under ``torch.inference_mode`` in
    batches of ``batch_size`` (default 256 on CPU, 1024 on GPU) with the
    precision :func:`choose_precision` picks ('auto': bf16 autocast where
    native, else fp32; 'fp32'/'bf16' force it). At bf16, near ties are
    decided in fp32 (:func:`evaluate`'s ``recheck``), so the accuracy is
    fp32's in practice. The test split is read once
    per process (:func:`test_split`) unless ``data`` is given.
    Returns ``{"accuracy", "loss", "n", "bn", "note", "precision"}``; raises
    :class:`WeightsError` for a bad file and DatasetError for missing data.
    """
    model, note = load_weights(path, dataset, bn, dropout)
    dev = resolve_device(device)
    prec = choose_precision(dev, precision)
    if data is None:
        x, y = test_split(dataset, data_root, cache)
    else:
        x, y = data.x_test, data.y_test
    channels_last = dataset == "eurosat"
    net = fuse_for_inference(model).to(dev)
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    if batch_size is None:
        batch_size = GRADE_BATCH if dev.type == "cpu" else EVAL_BATCH
    loss, acc = evaluate(net, x.to(dev), y.to(dev), batch_size=batch_size,
                         channels_last=channels_last, amp=prec.amp, recheck=GRADE_RECHECK)
    return {"accuracy": acc, "loss": loss, "n": len(y), "bn": model.bn, "note": note,
            "precision": prec.name}


def grade_trained_model(path: str | os.PathLike,
                        thresholds=((0.90, 1.0), (0.80, 0.6), (0.5, 0.3)), *,
                        dataset: str = "eurosat", bn: bool | None = None, dropout: float = 0.0,
                        data: hdata.SplitData | None = None, data_root=None, cache=None,
                        device: str | None = "auto", precision: str = "auto") -> tuple[float, str]:
    """Credit for a student's saved state dict from its test accuracy.

    The accuracy comes from :func:`evaluate_weights` at ``precision`` ('auto':
    bf16 autocast where the hardware has native bf16, which agrees with fp32
    to within 0.1 point on the reference model; 'fp32' forces fp32).

    thresholds: ``(min_accuracy, fraction)`` pairs; the first pair (in
    decreasing accuracy order) whose minimum is reached gives the fraction,
    none gives 0. A missing file, a non-state-dict file or a state dict that
    does not fit the network scores 0 with a message saying why (naming the
    mismatching keys). A missing data root is the grader's problem and raises
    DatasetError. Returns ``(fraction, message)``.
    """
    pairs = sorted(((float(a), float(f)) for a, f in thresholds), reverse=True)
    if any(not 0 <= a <= 1 or not 0 <= f <= 1 for a, f in pairs):
        raise ValueError(f"thresholds must be (accuracy, fraction) pairs in [0, 1], got {thresholds}")
    try:
        res = evaluate_weights(path, dataset, bn=bn, dropout=dropout, data=data,
                               data_root=data_root, cache=cache, device=device,
                               precision=precision)
    except WeightsError as exc:
        return 0.0, f"0 credit: {exc}"
    acc = res["accuracy"]
    fraction = next((f for a, f in pairs if acc >= a), 0.0)
    bar = next((f"reaches {100 * a:.0f}%" for a, f in pairs if acc >= a),
               f"is below {100 * pairs[-1][0]:.0f}%" if pairs else "")
    return fraction, (f"test accuracy {100 * acc:.2f}% on {res['n']:,} {dataset} test images "
                      f"(BN {'on' if res['bn'] else 'off'}){res['note']}: {bar}, "
                      f"credit {fraction:g}")
