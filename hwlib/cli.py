"""Command line: ``python -m hwlib <command> ...``.

``problems`` and ``solve`` live here; other commands (``train``, ``ablation``,
``evaluate``, ``grade``, ``data``) are contributed by their modules through a
``register(subparsers)`` hook, so this file stays the one entry point.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from . import registry

# Modules that add sub-commands; each defines register(subparsers).
COMMAND_MODULES = ["hwlib.train_cli", "hwlib.grading.cli", "hwlib.grading.lms", "hwlib.fetch",
                   "hwlib.release", "hwlib.grading.formgrader_cli"]


# Python's spellings of the JSON literals, as people type them on a command line.
_LITERALS = {"true": True, "false": False, "none": None, "null": None}


def parse_param(text: str) -> tuple[str, object]:
    """``name=value`` with value read as JSON when it parses, else as a string.

    ``True``/``False``/``None`` (any case) are the booleans and None, not the
    strings: ``--param drop_last=False`` must not count as true.
    """
    if "=" not in text:
        raise argparse.ArgumentTypeError(
            f"--param expects name=value, got {text!r}")
    name, raw = text.split("=", 1)
    if raw.strip().lower() in _LITERALS:
        return name.strip(), _LITERALS[raw.strip().lower()]
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def cmd_problems(args: argparse.Namespace) -> int:
    rows = registry.problems()
    labels = registry.labels()
    width = max(len(p.id) for p in rows)
    slug_width = max(len(p.slug) for p in rows)
    label_width = max(len(label) for label in [*labels.values(), "-"])
    for p in rows:
        line = (f"{p.id:<{width}}  {labels.get(p.id, '-'):<{label_width}}  "
                f"{p.slug:<{slug_width}}  {p.title}")
        if args.answers:
            answer = json.dumps(p.solve(), separators=(",", ":"))
            if len(answer) > args.width:  # the full answer is one `solve` away
                answer = answer[:args.width - 3] + "..."
            line += f"\n{'':<{width}}  = {answer}"
        print(line)
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    problem = registry.get(args.id)
    answer = problem.solve(dict(args.param))
    if args.json:
        print(json.dumps(answer, indent=2))
    else:
        print(f"{problem.id}: {problem.title}")
        print(f"parameters: {json.dumps(problem.params(dict(args.param)))}")
        print(f"answer: {json.dumps(answer)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hwlib",
        description="Reference answers, grading and training for the course.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("problems", help="list every problem: id, homework label, slug, title")
    p.add_argument("--answers", action="store_true",
                   help="also print the reference answer for the seed's parameters")
    p.add_argument("--width", type=int, default=100,
                   help="cut answers longer than this many characters (default 100)")
    p.set_defaults(func=cmd_problems)

    p = sub.add_parser("solve", help="print the reference answer of one problem")
    p.add_argument("id", help="problem id, slug or homework label, e.g. hw4.q2, same-conv-stack, hw4.2a")
    p.add_argument("--param", action="append", type=parse_param, default=[],
                   metavar="NAME=VALUE", help="override a parameter (value as JSON)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON only")
    p.set_defaults(func=cmd_solve)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not name.startswith(exc.name or "?"):  # a real missing dependency, not an absent hook
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (registry.UnknownProblem, registry.UnknownParameter, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
