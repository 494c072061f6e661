"""Check of hw4.q4: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import _exact, _key, _parts

CHECKS = ("layers", "total")


def compare(sol, got, args):
    return _parts(
        lambda: _exact([layer["params"] for layer in sol["layers"]], _key(got, "layers"),
                       "params per layer"),
        lambda: _exact(sol["total"], _key(got, "total")))
