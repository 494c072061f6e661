"""Pictures and titles of training runs: loss and accuracy curves
(:func:`plot_histories`) and the one-line description of a run's setting.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

from .config import TRAIN_SIZES, TrainConfig

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
