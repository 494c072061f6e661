"""The training loop: mini-batches sliced from uint8 tensors, augmentation,
the learning-rate schedule, one epoch (:func:`train_one_epoch`), evaluation
(:func:`evaluate`), checkpoints and the whole run (:func:`fit`).

Conventions (data, determinism, optimiser, outputs): see :mod:`hwlib.train`.
"""
from __future__ import annotations

import csv
import json
import math
import os
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from .. import data as hdata
from ..models import build_model
from .config import EVAL_BATCH, TrainConfig, TrainResult, resolve_device
from .plots import _run_title, plot_histories
from .precision import choose_precision

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
