"""The seeds' ablations: their configurations, one run per configuration
(:func:`run_ablation`) and the comparison table in the seed's layout.
"""
from __future__ import annotations

import csv
import json
import os
from dataclasses import replace
from pathlib import Path

from .. import data as hdata
from ..models import count_parameters
from .config import DEFAULTS, TRAIN_SIZES, TrainConfig
from .loop import fit
from .plots import _run_title, plot_histories

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
