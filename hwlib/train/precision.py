"""The arithmetic of a run: bf16 autocast where the hardware computes bf16
natively, else fp32 (:func:`choose_precision`, :class:`Precision`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

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
