"""Check of hw4.q2: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _key, _parts

CHECKS = ("params", "outputs", "total")


def compare(sol, got, args):
    layers = sol["layers"]
    return _parts(
        lambda: _exact([layer["params"] for layer in layers], _key(got, "params"), "params per layer"),
        lambda: _exact([layer["output"] for layer in layers], _key(got, "outputs"), "output shapes"),
        lambda: _exact(sol["total"], _key(got, "total")))
