"""Tests for hwlib.mlp and the hw4.q1 registry entry.

Oracle: torch.nn.Sequential(Linear, ReLU, Linear[, ReLU]) in float64 carrying
the same weights. torch.nn.Linear stores its weight as (out_features,
in_features) and computes x W^T + b, so our (in, out) matrices go in transposed.
"""
import numpy as np
import pytest
import torch

from hwlib import mlp, registry

ATOL = 1e-12


def _torch_net(W_h, b_h, W_o, b_o, output_relu=True):
    n_in, n_hidden = np.shape(W_h)
    n_out = np.shape(W_o)[1]
    layers = [torch.nn.Linear(n_in, n_hidden, dtype=torch.float64), torch.nn.ReLU(),
              torch.nn.Linear(n_hidden, n_out, dtype=torch.float64)]
    if output_relu:
        layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    with torch.no_grad():
        # Transposed: torch keeps (out, in) where the homework writes (in, out).
        net[0].weight.copy_(torch.tensor(np.asarray(W_h)).T)
        net[0].bias.copy_(torch.tensor(np.asarray(b_h)).reshape(-1))
        net[2].weight.copy_(torch.tensor(np.asarray(W_o)).T)
        net[2].bias.copy_(torch.tensor(np.asarray(b_o)).reshape(-1))
    return net


def _torch_forward(X, W_h, b_h, W_o, b_o, output_relu=True):
    with torch.no_grad():
        return _torch_net(W_h, b_h, W_o, b_o, output_relu)(
            torch.tensor(np.asarray(X), dtype=torch.float64)).numpy()


def _random_weights(rng, m, n_in=10, n_hidden=50, n_out=3):
    return (rng.normal(size=(m, n_in)), rng.normal(size=(n_in, n_hidden)) / 3,
            rng.normal(size=(1, n_hidden)), rng.normal(size=(n_hidden, n_out)) / 7,
            rng.normal(size=(1, n_out)))


def test_shapes_match_the_seed_and_torch_layers():
    """Are the shapes X (m,10), W_h (10,50), b_h (1,50), W_o (50,3), b_o (1,3), Y (m,3)?"""
    m = 7
    shapes = mlp.mlp_shapes(m)
    assert shapes == {"X": (m, 10), "W_h": (10, 50), "b_h": (1, 50), "W_o": (50, 3),
                      "b_o": (1, 3), "Y": (m, 3)}
    net = _torch_net(np.zeros((10, 50)), np.zeros(50), np.zeros((50, 3)), np.zeros(3))
    assert tuple(net[0].weight.T.shape) == shapes["W_h"]
    assert tuple(net[2].weight.T.shape) == shapes["W_o"]
    assert tuple(net(torch.zeros(m, 10, dtype=torch.float64)).shape) == shapes["Y"]


def test_forward_matches_torch_sequential_with_output_relu():
    """Does mlp_forward equal Sequential(Linear, ReLU, Linear, ReLU) with the same weights?"""
    rng = np.random.default_rng(0)
    for m in (1, 4, 16):
        args = _random_weights(rng, m)
        np.testing.assert_allclose(mlp.mlp_forward(*args), _torch_forward(*args), atol=ATOL)


def test_forward_without_output_relu_matches_affine_output_layer():
    """With output_relu=False, does it equal Sequential(Linear, ReLU, Linear) (negatives kept)?"""
    args = _random_weights(np.random.default_rng(1), 9)
    out = mlp.mlp_forward(*args, output_relu=False)
    np.testing.assert_allclose(out, _torch_forward(*args, output_relu=False), atol=ATOL)
    assert (out < 0).any()


def test_forward_accepts_flat_bias_vectors():
    """Do biases of shape (50,) and (3,) give the torch result too?"""
    X, W_h, b_h, W_o, b_o = _random_weights(np.random.default_rng(2), 5)
    np.testing.assert_allclose(mlp.mlp_forward(X, W_h, b_h.ravel(), W_o, b_o.ravel()),
                               _torch_forward(X, W_h, b_h, W_o, b_o), atol=ATOL)


def test_forward_works_for_other_layer_sizes():
    """Does a 4-6-2 network with lists as input also match torch?"""
    X, W_h, b_h, W_o, b_o = _random_weights(np.random.default_rng(3), 3, 4, 6, 2)
    out = mlp.mlp_forward(X.tolist(), W_h.tolist(), b_h.tolist(), W_o.tolist(), b_o.tolist())
    np.testing.assert_allclose(out, _torch_forward(X, W_h, b_h, W_o, b_o), atol=ATOL)


@pytest.mark.parametrize("call", [
    lambda: mlp.mlp_shapes(0),
    lambda: mlp.mlp_shapes(2.5),
    lambda: mlp.mlp_forward(np.ones((2, 9)), np.ones((10, 50)), np.ones(50),
                            np.ones((50, 3)), np.ones(3)),
    lambda: mlp.mlp_forward(np.ones((2, 10)), np.ones((10, 50)), np.ones(49),
                            np.ones((50, 3)), np.ones(3)),
    lambda: mlp.mlp_forward(np.ones((2, 10)), np.ones((10, 50)), np.ones(50),
                            np.ones((40, 3)), np.ones(3)),
    lambda: mlp.mlp_forward(np.ones(10), np.ones((10, 50)), np.ones(50),
                            np.ones((50, 3)), np.ones(3)),
], ids=["zero-batch", "fractional-batch", "X-features", "b_h-length", "W_o-rows", "X-1d"])
def test_bad_input_raises_value_error(call):
    """Does each malformed call raise ValueError instead of returning a number?"""
    with pytest.raises(ValueError):
        call()


def test_registry_hw4_q1_default_gives_seed_shapes_and_torch_output():
    """Does hw4.q1 give the seed's shapes for m = 4 and a Y that torch reproduces?"""
    answer = registry.get("hw4.q1").solve()
    assert answer["shapes"] == {"X": [4, 10], "W_h": [10, 50], "b_h": [1, 50],
                                "W_o": [50, 3], "b_o": [1, 3], "Y": [4, 3]}
    used = answer["inputs"]
    expected = _torch_forward(used["X"], used["W_h"], used["b_h"], used["W_o"], used["b_o"])
    np.testing.assert_allclose(answer["Y"], expected, atol=ATOL)
    assert np.shape(answer["Y"]) == (4, 3)


def test_registry_hw4_q1_explicit_matrices_override_the_seed():
    """Given explicit X and weights, does hw4.q1 use them and match torch (both output modes)?"""
    X, W_h, b_h, W_o, b_o = _random_weights(np.random.default_rng(4), 2)
    problem = registry.get("hw4.q1")
    for output_relu in (True, False):
        answer = problem.solve({"m": 2, "X": X.tolist(), "W_h": W_h.tolist(),
                                "b_h": b_h.tolist(), "W_o": W_o.tolist(), "b_o": b_o.tolist(),
                                "output_relu": output_relu})
        np.testing.assert_allclose(answer["Y"], _torch_forward(X, W_h, b_h, W_o, b_o,
                                                               output_relu), atol=ATOL)


def test_registry_hw4_q1_rejects_x_with_the_wrong_number_of_rows():
    """Does hw4.q1 raise ValueError when an explicit X has a row count other than m?"""
    with pytest.raises(ValueError):
        registry.get("hw4.q1").solve({"m": 4, "X": np.ones((3, 10)).tolist()})


def test_registry_hw4_q1_samples_match_torch():
    """For sampled (m, seed), are the shapes (m, ...) and Y equal to torch's output?"""
    problem = registry.get("hw4.q1")
    for draw in range(5):
        params = problem.sample(np.random.default_rng(draw))
        answer = problem.solve(params)
        m = params["m"]
        assert answer["shapes"]["X"] == [m, 10] and answer["shapes"]["Y"] == [m, 3]
        used = answer["inputs"]
        expected = _torch_forward(used["X"], used["W_h"], used["b_h"], used["W_o"],
                                  used["b_o"])
        np.testing.assert_allclose(answer["Y"], expected, atol=ATOL)
