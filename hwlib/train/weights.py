"""A saved state dict, loaded and graded: reading the file safely
(:func:`load_state_dict_file`), fitting it to the network (:func:`load_weights`),
its test accuracy (:func:`evaluate_weights`) and its credit
(:func:`grade_trained_model`).
"""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from .. import data as hdata
from ..models import build_model, fuse_for_inference
from .config import EVAL_BATCH, GRADE_BATCH, GRADE_RECHECK, resolve_device
from .loop import evaluate
from .precision import choose_precision

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
