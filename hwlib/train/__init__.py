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

Modules (every public name is importable from :mod:`hwlib.train` itself):

* :mod:`hwlib.train.config`: :class:`TrainConfig`, the datasets' defaults,
  :class:`TrainResult`, :func:`resolve_device`.
* :mod:`hwlib.train.precision`: bf16 autocast or fp32 (:func:`choose_precision`).
* :mod:`hwlib.train.loop`: batches, augmentation, schedule, one epoch,
  :func:`evaluate` and :func:`fit`.
* :mod:`hwlib.train.plots`: curves (:func:`plot_histories`) and run titles.
* :mod:`hwlib.train.ablation`: the seeds' ablations and their table.
* :mod:`hwlib.train.weights`: loading, evaluating and grading a saved state dict.
"""
from __future__ import annotations

from ..models import build_model, count_parameters, fuse_for_inference
from .ablation import ablation_configs, ablation_header, format_ablation_table, run_ablation
from .config import (DEFAULTS, EVAL_BATCH, GRADE_BATCH, GRADE_RECHECK, OPTIMIZERS, SCHEDULES,
                     TRAIN_SIZES, TrainConfig, TrainResult, resolve_device)
from .loop import (cosine_lr, dihedral_augment, evaluate, fit, steps_per_epoch, to_input,
                   train_one_epoch, write_history)
from .plots import plot_histories
from .precision import PRECISIONS, Precision, choose_precision, native_bf16
from .weights import (WeightsError, evaluate_weights, grade_trained_model, load_state_dict_file,
                      load_weights, test_split)

__all__ = ["TrainConfig", "DEFAULTS", "TrainResult", "resolve_device", "to_input",
           "PRECISIONS", "Precision", "native_bf16", "choose_precision",
           "train_one_epoch", "evaluate", "fit", "plot_histories", "ablation_configs",
           "run_ablation", "format_ablation_table", "ablation_header", "load_state_dict_file",
           "load_weights", "evaluate_weights", "grade_trained_model", "test_split",
           "dihedral_augment", "cosine_lr", "steps_per_epoch"]
