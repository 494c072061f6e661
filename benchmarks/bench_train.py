"""Training throughput of the seed-000 CNN on CPU: hwlib's loop vs the plain way.

What is measured: images per second over a FIXED NUMBER OF TRAINING BATCHES
(default 5 rounds x 10 batches of 64, after warm-up batches that are not
timed), for the seed's best configuration (BN + dropout 0.05, Adam lr 1e-3,
batch 64) on the EuroSAT training split. Variants run interleaved, round by
round; each reports its best and its median round (other processes only
ever slow a round down, so the best round is the undisturbed speed).

* plain: ``torchvision.datasets.EuroSAT`` (ImageFolder) with ``ToTensor``,
  decoding every JPEG with Pillow on every epoch, ``DataLoader(batch_size=64,
  shuffle=True, num_workers=2)``; a fresh loader iterator per round (as per
  epoch), its worker start-up excluded by the warm-up batches.
* ours: the decoded uint8 cache held in memory, batches sliced from it and
  converted to float on the fly by :func:`hwlib.train.train_one_epoch`
  (no DataLoader), in NCHW fp32, then with channels-last fp32, optionally
  channels-last plus ``torch.compile`` (compile time reported apart as setup).
* default: what ``python -m hwlib train`` does with no precision flag:
  channels-last at the precision :func:`hwlib.train.choose_precision` picks
  for this machine (bf16 autocast on a CPU with AVX512-BF16 or AMX-BF16,
  fp32 elsewhere; the chosen one is printed).

The last lines compare the default path with the plain loop in one line
containing the word "default" (best rounds, medians beside them).

Usage::

    python benchmarks/bench_train.py [--data DIR] [--threads 2] [--batches 10] [--rounds 5]
        [--precision auto|bf16|fp32] [--compile]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hwlib import data as hdata  # noqa: E402
from hwlib import train as ht  # noqa: E402
from hwlib.models import EuroSATCNN  # noqa: E402

BATCH = 64
LR = 1e-3
DROPOUT = 0.05


def make_model(channels_last: bool) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    """The seed's BN + dropout CNN with its Adam optimiser."""
    torch.manual_seed(0)
    model = EuroSATCNN(bn=True, dropout=DROPOUT)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model, torch.optim.Adam(model.parameters(), lr=LR)


class Plain:
    """The textbook pipeline: ImageFolder + ToTensor + DataLoader(num_workers=2)."""

    name = "plain: ImageFolder+ToTensor (JPEG decode each epoch), DataLoader workers=2"

    def __init__(self, root: Path, workers: int):
        import torchvision
        from torch.utils.data import DataLoader, Subset
        from torchvision import transforms

        ds = torchvision.datasets.EuroSAT(root=str(root), transform=transforms.ToTensor(),
                                          download=False)
        train_idx, _ = hdata.stratified_split(torch.tensor(ds.targets))
        self.loader = DataLoader(Subset(ds, train_idx.tolist()), batch_size=BATCH,
                                 shuffle=True, num_workers=workers)
        self.model, self.opt = make_model(channels_last=False)
        self.setup_s = 0.0

    def round(self, warmup: int, batches: int) -> float:
        """Images/s over ``batches`` timed batches of a fresh epoch iterator."""
        self.model.train()
        it = iter(self.loader)
        for i in range(warmup + batches):
            if i == warmup:
                t0 = time.perf_counter()
            x, y = next(it)
            loss = torch.nn.functional.cross_entropy(self.model(x), y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        elapsed = time.perf_counter() - t0
        del it  # shut the workers down before the next variant runs
        return batches * BATCH / elapsed


class Ours:
    """hwlib's loop on the in-memory uint8 tensor, with one option switched on."""

    def __init__(self, split: hdata.SplitData, name: str, channels_last=False,
                 compile=False, amp=False):
        self.name, self.x, self.y = name, split.x_train, split.y_train
        self.channels_last, self.amp = channels_last, amp
        self.model, self.opt = make_model(channels_last)
        self.step_model = torch.compile(self.model) if compile else self.model
        self.gen = torch.Generator().manual_seed(0)
        t0 = time.perf_counter()
        self._run(3)  # warm-up (and compilation, when asked) outside the timings
        self.setup_s = time.perf_counter() - t0

    def _run(self, batches: int) -> None:
        # a random block of the training set, trained on exactly as fit() does
        start = torch.randint(0, len(self.x) - batches * BATCH, (1,), generator=self.gen).item()
        sl = slice(start, start + batches * BATCH)
        ht.train_one_epoch(self.step_model, self.opt, self.x[sl], self.y[sl], BATCH,
                           generator=self.gen, channels_last=self.channels_last, amp=self.amp)

    def round(self, warmup: int, batches: int) -> float:
        """Images/s over ``batches`` timed batches (after ``warmup`` untimed ones)."""
        self._run(warmup)
        t0 = time.perf_counter()
        self._run(batches)
        return batches * BATCH / (time.perf_counter() - t0)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=None, help="data root (default $HWLIB_DATA)")
    p.add_argument("--cache", default=None, help="cache dir (default $HWLIB_CACHE or ~/.cache/hwlib)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--workers", type=int, default=2, help="plain DataLoader workers (default 2)")
    p.add_argument("--batches", type=int, default=10, help="timed batches per round (default 10)")
    p.add_argument("--warmup", type=int, default=3, help="untimed batches per round (default 3)")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    p.add_argument("--compile", action="store_true",
                   help="also time channels-last + torch.compile (fp32; compiling takes minutes)")
    p.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                   help="precision of the default variant (auto: what hwlib picks here)")
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # as hwlib.train does on CPU
    root = hdata.data_root(args.data)
    print(f"torch {torch.__version__}, {args.threads} threads, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"seed CNN (BN + dropout {DROPOUT}), Adam lr {LR}, batch {BATCH}; "
          f"{args.rounds} rounds x {args.batches} timed batches ({args.rounds * args.batches * BATCH} "
          f"images) per variant; best and median round reported\n")

    t0 = time.perf_counter()
    cached = hdata.eurosat_cache_path(root, args.cache).exists()
    split = hdata.load_eurosat(root, args.cache, progress=True)
    print(f"ours, one-time: {'load decoded cache' if cached else 'decode 27,000 JPEGs + write cache'} "
          f"{time.perf_counter() - t0:.1f}s\n")

    precision = ht.choose_precision("cpu", args.precision)
    print(precision.describe() + "\n")
    default_name = (f"default: channels_last + "
                    f"{'bf16 autocast' if precision.amp else 'fp32'} ({precision.reason})")
    variants = [Plain(root, args.workers),
                Ours(split, "ours: uint8 cache in RAM, float on the fly, NCHW fp32"),
                Ours(split, "ours: + channels_last, fp32", channels_last=True)]
    if args.compile:
        variants.append(Ours(split, "ours: + channels_last + torch.compile, fp32",
                             channels_last=True, compile=True))
    default = Ours(split, default_name, channels_last=True, amp=precision.amp)
    variants.append(default)

    speeds = {v.name: [] for v in variants}
    for r in range(args.rounds):
        for v in variants:
            speeds[v.name].append(v.round(args.warmup, args.batches))
            print(f"round {r + 1}/{args.rounds}: {v.name}: {speeds[v.name][-1]:.1f} img/s "
                  f"(load average {os.getloadavg()[0]:.2f})", flush=True)

    # Contention from other processes only ever slows a round down, so the
    # best round estimates the undisturbed speed (as timeit's minimum does);
    # the median is printed beside it.
    best = {name: max(s) for name, s in speeds.items()}
    med = {name: statistics.median(s) for name, s in speeds.items()}
    plain = variants[0].name
    width = max(map(len, best))
    print(f"\n{'variant':<{width}}  {'best':>6}  {'median':>6}  {'best vs plain':>13}  setup   rounds (img/s)")
    for v in variants:
        rounds = ", ".join(f"{s:.0f}" for s in speeds[v.name])
        setup = f"{v.setup_s:.1f}s" if v.setup_s else "-"
        print(f"{v.name:<{width}}  {best[v.name]:6.1f}  {med[v.name]:6.1f}  "
              f"{best[v.name] / best[plain]:12.2f}x  {setup:>6}  {rounds}")
    d = default.name
    print(f"\ndefault path ({'bf16 autocast' if precision.amp else 'fp32'}, channels-last) vs plain "
          f"loop: {best[d]:.1f} vs {best[plain]:.1f} img/s -> {best[d] / best[plain]:.2f}x "
          f"(best rounds; medians {med[d]:.1f} vs {med[plain]:.1f} -> {med[d] / med[plain]:.2f}x)")
    print(f"load average at the end {os.getloadavg()[0]:.2f}: on a shared 2-core machine "
          "another busy process cuts a 2-thread round to about a third")
    return 0


if __name__ == "__main__":
    sys.exit(main())
