"""Sub-commands ``train``, ``ablation`` and ``evaluate`` of ``python -m hwlib``.

Examples::

    python -m hwlib train eurosat --bn --dropout 0.05 --epochs 20   # bf16 where native
    python -m hwlib train eurosat --bn --dropout 0.05 --fp32        # force fp32
    python -m hwlib train eurosat --bn --dropout 0.05 --epochs 10 --lr 2e-3 --augment \
        --schedule cosine --warmup-epochs 1 --label-smoothing 0.1 --optimizer adamw \
        --weight-decay 0.05                                         # the book's improved run
    python -m hwlib ablation eurosat                 # seed 000, Table 1 (4 configs)
    python -m hwlib ablation fashion-mnist           # seed 004 (4 configs)
    python -m hwlib ablation eurosat --epochs 1 --limit 2000   # quick CPU check
    python -m hwlib evaluate eurosat --weights runs/eurosat-bn-p0.05-wd0/model.pt
"""
from __future__ import annotations

import argparse
import json
import os

DEFAULTS_HELP = (
    "Defaults: EuroSAT Adam lr 1e-3, batch 64, 20 epochs, dropout p=0.05 (conv blocks "
    "and hidden FC layer), all the course's choice (the homework report states none); "
    "Fashion-MNIST Adam lr 1e-3, batch 128, 30 epochs as in its report, with dropout "
    "p=0.5 in the hidden FC layers and weight decay 5e-4 (L2 through Adam) chosen by "
    "the course. Data root: --data or $HWLIB_DATA (read-only); decoded cache: --cache or "
    "$HWLIB_CACHE or ~/.cache/hwlib. Inputs are scaled to [0, 1] (ToTensor convention).")


def _common(p: argparse.ArgumentParser, training: bool = True) -> None:
    """Options shared by the three sub-commands."""
    p.add_argument("dataset", choices=["eurosat", "fashion-mnist"])
    p.add_argument("--data", default=None, metavar="DIR",
                   help="data root holding eurosat/2750 and fashion-mnist/ (default $HWLIB_DATA)")
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="cache dir for the decoded EuroSAT tensor (default $HWLIB_CACHE or ~/.cache/hwlib)")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:1, ...")
    p.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                   help="auto (default): bf16 autocast where the hardware has native bf16 "
                        "(CPUs with AVX512-BF16/AMX-BF16, GPUs from Ampere on), else fp32; "
                        "the choice is printed")
    p.add_argument("--fp32", dest="precision", action="store_const", const="fp32",
                   help="same as --precision fp32")
    p.add_argument("--num-threads", type=int, default=None, metavar="N",
                   help="torch CPU threads (default: torch's choice, one per core)")
    if not training:
        return
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs (default 20 for eurosat, 30 for fashion-mnist)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="train on only N training images, drawn per class (quick runs; "
                        "the test split stays complete)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="mini-batch size (default 64 for eurosat, 128 for fashion-mnist)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default 1e-3)")
    p.add_argument("--seed", type=int, default=0, help="seed of init, shuffling and dropout")
    p.add_argument("--out", default="runs", metavar="DIR", help="output folder (default runs/)")
    p.add_argument("--amp", action="store_true", help="same as --precision bf16")
    p.add_argument("--augment", action="store_true",
                   help="random flips and 90-degree rotations of every training image")
    p.add_argument("--schedule", choices=["constant", "cosine"], default="constant",
                   help="learning-rate schedule over the run (default constant)")
    p.add_argument("--warmup-epochs", type=int, default=0, metavar="N",
                   help="linear learning-rate warm-up epochs before the cosine decay")
    p.add_argument("--label-smoothing", type=float, default=0.0, metavar="EPS",
                   help="label smoothing of the cross-entropy (default 0)")
    p.add_argument("--optimizer", choices=["adam", "adamw"], default="adam",
                   help="adam (L2 weight decay, the seeds') or adamw (decoupled weight decay)")
    p.add_argument("--name", default=None,
                   help="run folder name under --out (train only; default from the settings)")
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=None,
                   help="channels-last memory format (default: on for eurosat)")
    p.add_argument("--resume", action="store_true",
                   help="continue from the checkpoint in the run folder when it is the same run")
    p.add_argument("--no-progress", action="store_true", help="no progress bars or epoch lines")


def _apply_threads(args: argparse.Namespace) -> None:
    """Honour --num-threads before any torch work."""
    if args.num_threads is not None:
        import torch

        if args.num_threads < 1:
            raise ValueError(f"--num-threads must be >= 1, got {args.num_threads}")
        torch.set_num_threads(args.num_threads)


def _base_config(args: argparse.Namespace, **extra):
    """A TrainConfig from the parsed shared options."""
    from .train import TrainConfig

    return TrainConfig(dataset=args.dataset, epochs=args.epochs, batch_size=args.batch_size,
                       lr=args.lr, seed=args.seed, limit=args.limit, device=args.device,
                       precision=args.precision, amp=args.amp, compile=args.compile,
                       channels_last=args.channels_last, augment=args.augment,
                       schedule=args.schedule, warmup_epochs=args.warmup_epochs,
                       label_smoothing=args.label_smoothing, optimizer=args.optimizer, **extra)


def cmd_train(args: argparse.Namespace) -> int:
    """Train one configuration and save history, checkpoint, state dict and curves."""
    from .models import count_parameters
    from .train import fit

    _apply_threads(args)
    cfg = _base_config(args, bn=args.bn, dropout=args.dropout, weight_decay=args.weight_decay)
    tag = "-".join(["bn" if args.bn else "nobn", f"p{args.dropout:g}", f"wd{args.weight_decay:g}"])
    out = os.path.join(args.out, args.name or f"{args.dataset}-{tag}")
    res = fit(cfg, data_root=args.data, cache=args.cache, out_dir=out,
              resume=args.resume, progress=not args.no_progress)
    f = res.final
    print(f"{args.dataset} {tag}: {count_parameters(res.model):,} parameters, "
          f"{res.config.epochs} epochs"
          + (f", {res.config.limit:,} training images (limit)" if res.config.limit else ""))
    print(f"train acc {100 * f['train_acc']:.2f}%  test acc {100 * f['test_acc']:.2f}%  "
          f"(best epoch {100 * max(r['test_acc'] for r in res.history):.2f}%)  "
          f"{res.seconds:.1f}s, {res.precision.describe()}")
    print(f"saved: {out}/model.pt, checkpoint.pt, history.json, history.csv, curves.png")
    return 0


def cmd_ablation(args: argparse.Namespace) -> int:
    """Run the seed's ablation for a dataset and print/save its table."""
    from .train import run_ablation

    _apply_threads(args)
    base = _base_config(args, dropout=args.dropout or 0.0, weight_decay=args.weight_decay or 0.0)
    res = run_ablation(args.dataset, base, data_root=args.data, cache=args.cache, out=args.out,
                       progress=not args.no_progress, resume=args.resume)
    print(res["table"])
    print(f"saved: {res['dir']}/table.md, table.csv, table.json, curves.png")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Report the test accuracy of a saved state dict."""
    from .train import evaluate_weights

    _apply_threads(args)
    res = evaluate_weights(args.weights, args.dataset, bn=args.bn, dropout=args.dropout,
                           data_root=args.data, cache=args.cache, device=args.device,
                           precision=args.precision)
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{args.weights}: test accuracy {100 * res['accuracy']:.2f}% "
              f"(loss {res['loss']:.4f}) on {res['n']:,} {args.dataset} test images, "
              f"BN {'on' if res['bn'] else 'off'}{res['note']}, "
              f"{'bf16 autocast' if res['precision'] == 'bf16' else 'fp32'}")
    return 0


def register(subparsers) -> None:
    """Add ``train``, ``ablation`` and ``evaluate`` to the hwlib CLI."""
    p = subparsers.add_parser("train", help="train one network configuration",
                              description="Train the seed network of a dataset. " + DEFAULTS_HELP)
    _common(p)
    p.add_argument("--bn", action="store_true", help="batch normalisation on")
    p.add_argument("--dropout", type=float, default=0.0, metavar="P",
                   help="dropout probability (0 = off; eurosat's Table 1 used 0.05)")
    p.add_argument("--weight-decay", type=float, default=0.0, help="Adam L2 weight decay")
    p.set_defaults(func=cmd_train)

    p = subparsers.add_parser(
        "ablation", help="run a seed's ablation and print its table",
        description="Train every configuration of the seed's comparison (eurosat: BN x "
                    "dropout; fashion-mnist: baseline, dropout, weight decay, BN) and "
                    "save table.md/csv/json and curves.png under --out. " + DEFAULTS_HELP)
    _common(p)
    p.add_argument("--dropout", type=float, default=None, metavar="P",
                   help="p of the dropout configurations (default 0.05 eurosat, 0.5 fashion-mnist)")
    p.add_argument("--weight-decay", type=float, default=None,
                   help="L2 weight decay of fashion-mnist's weight-decay configuration (default 5e-4)")
    p.set_defaults(func=cmd_ablation)

    p = subparsers.add_parser("evaluate", help="test accuracy of a saved state dict",
                              description="Load a state dict (torch.load weights_only=True) "
                                          "into the dataset's network and report test accuracy.")
    _common(p, training=False)
    p.add_argument("--weights", required=True, metavar="FILE", help="state dict saved with torch.save")
    p.add_argument("--bn", action=argparse.BooleanOptionalAction, default=None,
                   help="network has BN (default: inferred from the file)")
    p.add_argument("--dropout", type=float, default=0.0, metavar="P",
                   help="dropout p of the network (no effect on evaluation)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_evaluate)



def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry ``python -m hwlib.train_cli`` (needs none of hwlib's other commands)."""
    import sys

    parser = argparse.ArgumentParser(prog="python -m hwlib.train_cli",
                                     description="hwlib training experiments. " + DEFAULTS_HELP)
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # bad data root, bad weights file, bad option value
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
