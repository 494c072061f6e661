"""Registrations of every homework sub-problem, one module per topic.

Importing this package fills :mod:`hwlib.registry`. A module whose topic is
not written yet is simply absent from ``TOPICS``.
"""
import importlib

TOPICS = ["optim", "conv", "params", "norm", "dropout", "density", "attention", "mlp"]

for _topic in TOPICS:
    try:
        importlib.import_module(f"{__name__}.{_topic}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__name__}.{_topic}":
            raise
