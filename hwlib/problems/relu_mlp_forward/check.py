"""Check of hw4.q1: how the answer is compared, and the known mistakes it names."""
import numpy as np

from hwlib.grading.compare import _close, _one


def make_args(params, rng):
    from hwlib import registry
    inputs = registry.get("hw4.q1").solve(params)["inputs"]
    return {k: inputs[k] for k in ("X", "W_h", "b_h", "W_o", "b_o")}


def to_params(args):
    return {"m": len(args["X"]), "seed": 0, "output_relu": True, **args}


def compare(sol, got, args):
    return _one(_close(sol["Y"], got))


def diagnose(sol, got, args):
    from hwlib import mlp
    try:
        linear = mlp.mlp_forward(args["X"], args["W_h"], args["b_h"], args["W_o"], args["b_o"],
                                 output_relu=False)
        if not np.allclose(linear, sol["Y"]) and _close(linear, got) is None:
            return "the output layer also applies ReLU (every neuron uses ReLU)"
    except Exception:
        pass
    return None


def case_design(rng):
    """A single sample (m = 1) and several."""
    return [("a single sample", {"m": 1, "seed": int(rng.integers(0, 2 ** 31 - 1))}),
            ("several samples", {"m": int(rng.integers(2, 9)), "seed": int(rng.integers(0, 2 ** 31 - 1))})]
