"""hwlib.conv against torch (float64), quadrature, sympy and brute force."""
import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from hwlib import conv
from hwlib.registry import get

ATOL = 1e-10
QUAD_ATOL = 1e-7


def t64(a):
    return torch.as_tensor(np.asarray(a, dtype=float), dtype=torch.float64)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 20), k=st.integers(1, 5), s=st.integers(1, 3), p=st.integers(0, 2),
       d=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_corr1d_matches_torch_conv1d(n, k, s, p, d, seed):
    """Is corr1d torch.conv1d (cross-correlation, dilation = spacing) for random sizes?"""
    if d * (k - 1) + 1 > n + 2 * p:
        with pytest.raises(ValueError, match="kernel spans"):
            conv.corr1d(np.zeros(n), np.zeros(k), s, p, d)
        return
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=k)
    ref = F.conv1d(t64(x)[None, None], t64(w)[None, None], stride=s, padding=p, dilation=d)[0, 0]
    np.testing.assert_allclose(conv.corr1d(x, w, s, p, d), ref.numpy(), atol=ATOL)
    assert conv.conv_output_length(n, k, s, p, d) == ref.shape[0]


def test_convolve1d_flips_kernel():
    """Does convolve1d equal numpy.convolve's 'valid' mode (a flipped-kernel convolution)?"""
    x, w = [2, -3, 0, 5, 1], [1, 4, -2]
    np.testing.assert_allclose(conv.convolve1d(x, w), np.convolve(x, w, mode="valid"), atol=ATOL)


@pytest.mark.parametrize("seed", range(4))
def test_corr2d_matches_torch(seed):
    """Is corr2d torch.conv2d on random images, strides and paddings?"""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    s, p = seed % 2 + 1, seed % 3
    ref = F.conv2d(t64(x)[None, None], t64(w)[None, None], stride=s, padding=p)[0, 0]
    np.testing.assert_allclose(conv.corr2d(x, w, s, p), ref.numpy(), atol=ATOL)


@pytest.mark.parametrize("seed", range(6))
def test_circular_convolution_shift_equivariance_exact(seed):
    """Does convolving a shifted signal give the shifted convolution, exactly (integers)?"""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 16))
    f, h, a = rng.integers(-5, 6, n), rng.integers(-5, 6, n), int(rng.integers(0, n))
    np.testing.assert_array_equal(conv.circular_convolve(conv.shift(f, a), h),
                                  conv.shift(conv.circular_convolve(f, h), a))


def test_circular_convolve_matches_fft():
    """Is circular_convolve the inverse FFT of the product of FFTs (convolution theorem)?"""
    rng = np.random.default_rng(3)
    f, h = rng.normal(size=9), rng.normal(size=9)
    ref = np.real(np.fft.ifft(np.fft.fft(f) * np.fft.fft(h)))
    np.testing.assert_allclose(conv.circular_convolve(f, h), ref, atol=ATOL)


def gauss(m, s):
    return lambda t: np.exp(-(t - m) ** 2 / (2 * s * s)) / (s * np.sqrt(2 * np.pi))


def test_continuous_convolution_of_gaussians():
    """Is N(m1,s1) * N(m2,s2) the density N(m1+m2, sqrt(s1^2+s2^2)) (closed form)?"""
    f, h = gauss(0.5, 0.7), gauss(-1.0, 1.2)
    target = gauss(-0.5, np.hypot(0.7, 1.2))
    for x in [-3.0, -0.5, 0.0, 2.0]:
        assert conv.convolve_continuous(f, h, x) == pytest.approx(target(x), abs=QUAD_ATOL)


@pytest.mark.parametrize("a", [-1.3, 0.4, 2.0])
def test_continuous_shift_equivariance(a):
    """Does G(f(. - a))(x) equal G(f)(x - a) for a box f and a triangle kernel (quadrature)?"""
    f = lambda t: 1.0 if 0 <= t <= 1 else 0.0
    h = lambda t: max(0.0, 1 - abs(t))
    for x in np.linspace(-2, 4, 7):
        lhs = conv.convolve_continuous(lambda t: f(t - a), h, x, a - 1, a + 2)
        rhs = conv.convolve_continuous(f, h, x - a, -1, 2)
        assert lhs == pytest.approx(rhs, abs=QUAD_ATOL)


@pytest.mark.parametrize("seed", range(8))
def test_recover_filter_random(seed):
    """For random x and w, does the recovered filter reproduce y under torch conv1d?"""
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-5, 6, 8), rng.integers(-3, 4, 4)
    y = F.conv1d(t64(x)[None, None], t64(w)[None, None])[0, 0].numpy()
    try:
        got = conv.recover_filter(x, y)
    except ValueError:
        A = np.array([[x[i + j] for j in range(4)] for i in range(5)], dtype=float)
        assert np.linalg.matrix_rank(A) < 4  # only a genuinely singular system may refuse
        return
    np.testing.assert_allclose(got, w, atol=1e-9)


def test_recover_filter_singular_and_inconsistent():
    """Does a signal that cannot determine the filter, or an impossible output, raise?"""
    with pytest.raises(ValueError, match="rank"):
        conv.recover_filter([1, 1, 1, 1, 1], [3, 3, 3])
    with pytest.raises(ValueError, match="inconsistent"):
        conv.recover_filter([1, 2, 3, 4, 5], [1, 1, 1, 5], kernel_size=2)
    with pytest.raises(ValueError, match="outputs"):
        conv.recover_filter([1, 2, 3], [1, 2], kernel_size=3)


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 4), w=st.integers(1, 4), kh=st.integers(1, 4), kw=st.integers(1, 4),
       s=st.integers(1, 3), p=st.integers(0, 2), seed=st.integers(0, 10_000))
def test_transpose_conv2d_matches_torch(h, w, kh, kw, s, p, seed):
    """Does transpose_conv2d match torch.conv_transpose2d for random shapes, strides, paddings?"""
    out_h, out_w = (h - 1) * s + kh - 2 * p, (w - 1) * s + kw - 2 * p
    if out_h < 1 or out_w < 1:
        with pytest.raises(ValueError, match="crops"):
            conv.transpose_conv2d(np.ones((h, w)), np.ones((kh, kw)), s, p)
        return
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    ref = F.conv_transpose2d(t64(x)[None, None], t64(k)[None, None], stride=s, padding=p)[0, 0]
    np.testing.assert_allclose(conv.transpose_conv2d(x, k, s, p), ref.numpy(), atol=ATOL)


@pytest.mark.parametrize("n,k,s,p", [(3, 3, 2, 0), (4, 2, 3, 1), (1, 5, 1, 2), (5, 3, 1, 0)])
def test_transpose_conv1d_matches_torch(n, k, s, p):
    """Does transpose_conv1d match torch.conv_transpose1d?"""
    rng = np.random.default_rng(n * 10 + k)
    x, w = rng.normal(size=n), rng.normal(size=k)
    ref = F.conv_transpose1d(t64(x)[None, None], t64(w)[None, None], stride=s, padding=p)[0, 0]
    np.testing.assert_allclose(conv.transpose_conv1d(x, w, s, p), ref.numpy(), atol=ATOL)


def test_transpose_conv1d_symbolic_seed_pattern():
    """Is [a,b,c] transposed with [x,y,z], stride 2, [ax, ay, az+bx, by, bz+cx, cy, cz]?"""
    a, b, c, x, y, z = sympy.symbols("a b c x y z")
    expected = [a * x, a * y, a * z + b * x, b * y, b * z + c * x, c * y, c * z]
    got = conv.transpose_conv1d_symbolic()
    assert all(sympy.simplify(g - e) == 0 for g, e in zip(got, expected)) and len(got) == 7


def test_transpose_is_adjoint_of_strided_correlation():
    """Is <corr1d(u, w, s), v> = <u, transpose_conv1d(v, w, s)> (the defining adjoint property)?"""
    rng = np.random.default_rng(7)
    for s in (1, 2, 3):
        u, w = rng.normal(size=11), rng.normal(size=3)
        y = conv.corr1d(u, w, stride=s)
        v = rng.normal(size=len(y))
        back = conv.transpose_conv1d(v, w, stride=s)
        back = np.pad(back, (0, len(u) - len(back)))  # trailing inputs no output saw
        assert y @ v == pytest.approx(u @ back, abs=ATOL)


def test_dilated_formula_seed_003():
    """Kernel 7, dilation 2 (zeros inserted), stride 3: taps 3 apart starting at 1+3(k-1)?"""
    ans = get("hw3.q1").solve()
    assert ans["tap_offsets"] == [0, 3, 6, 9, 12, 15, 18]
    assert ans["torch_dilation"] == 3
    assert ans["formula"].startswith("z_k = w_1 x_{1+3(k-1)} + w_2 x_{4+3(k-1)}")
    assert ans["formula"].endswith("w_7 x_{19+3(k-1)}")


def test_dilated_taps_match_torch():
    """Does torch conv1d(dilation=3, stride=3) read exactly the inputs the formula names?"""
    n, k = 40, 7
    offsets = conv.tap_offsets(k, 2, "zeros")
    for tap in range(k):
        w = torch.zeros(1, 1, k, dtype=torch.float64)
        w[0, 0, tap] = 1.0
        x = torch.arange(1, n + 1, dtype=torch.float64)[None, None]  # x_i = i (1-based values)
        z = F.conv1d(x, w, stride=3, dilation=3)[0, 0]
        for kk in range(1, len(z) + 1):  # 1-based output index
            assert z[kk - 1].item() == 1 + offsets[tap] + 3 * (kk - 1)


def receptive_field_by_gradient(kernels, strides, dilations):
    """Receptive field measured as the support of an input gradient (torch oracle)."""
    n = 200
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    h = x
    for k, s, d in zip(kernels, strides, dilations):
        h = F.conv1d(h, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d)
    h[0, 0, h.shape[-1] // 2].backward()
    support = torch.nonzero(x.grad[0, 0]).flatten()
    return int(support.max() - support.min() + 1)


def test_receptive_field_seed_003():
    """Three kernel-7, stride-1, undilated layers: is the receptive field 19, as torch measures?"""
    assert get("hw3.q2").solve() == 19
    assert receptive_field_by_gradient([7, 7, 7], [1, 1, 1], [1, 1, 1]) == 19


@pytest.mark.parametrize("seed", range(10))
def test_receptive_field_random_stacks(seed):
    """For random kernels, strides and dilations, does the formula match the gradient support?"""
    rng = np.random.default_rng(seed)
    L = int(rng.integers(1, 4))
    ks, ss, ds = rng.integers(2, 6, L).tolist(), rng.integers(1, 3, L).tolist(), rng.integers(1, 3, L).tolist()
    assert conv.receptive_field(ks, ss, ds) == receptive_field_by_gradient(ks, ss, ds)
    zeros = [d - 1 for d in ds]
    assert conv.receptive_field(ks, ss, zeros, convention="zeros") == conv.receptive_field(ks, ss, ds)


def test_same_output_length_matches_tensorflow_rule():
    """Is SAME padding's output ceil(n/s): 200x300 -> 100x150 -> 50x75 -> 25x38?"""
    sizes = [(200, 300)]
    for _ in range(3):
        sizes.append(tuple(conv.same_output_length(v, 2) for v in sizes[-1]))
    assert sizes[1:] == [(100, 150), (50, 75), (25, 38)]


@pytest.mark.parametrize("call,msg", [
    (lambda: conv.corr1d([1, 2], [1, 2, 3]), "kernel spans"),
    (lambda: conv.corr1d([[1, 2]], [1]), "1D"),
    (lambda: conv.corr1d([1, 2, 3], [1], stride=0), "stride"),
    (lambda: conv.conv_output_length(-3, 2), "input length"),
    (lambda: conv.transpose_conv2d([1, 2], [[1]]), "2D"),
    (lambda: conv.circular_convolve([1, 2], [1, 2, 3]), "same length"),
    (lambda: conv.dilation_spacing(1, "holes"), "convention"),
    (lambda: conv.receptive_field([3, 3], [1]), "strides"),
    (lambda: conv.recover_filter([1, 2, 3], [1, 2, 3, 4, 5]), "longer than x"),
])
def test_bad_input_raises(call, msg):
    """Does bad input raise ValueError saying what was wrong?"""
    with pytest.raises(ValueError, match=msg):
        call()


@pytest.mark.parametrize("seed", range(5))
def test_registry_samples_match_torch(seed):
    """On drawn parameters, do hw2.q2b and hw2.q2c agree with torch?"""
    p = get("hw2.q2c").sample(seed)
    ref = F.conv_transpose2d(t64(p["x"])[None, None], t64(p["w"])[None, None],
                             stride=p["stride"], padding=p["padding"])[0, 0].numpy()
    np.testing.assert_allclose(get("hw2.q2c").solve(p), ref, atol=ATOL)
    q = get("hw2.q2b").sample(seed)
    w = get("hw2.q2b").solve(q)
    np.testing.assert_allclose(F.conv1d(t64(q["x"])[None, None], t64(w)[None, None])[0, 0].numpy(),
                               q["y"], atol=1e-9)
    r = get("hw1.p2").solve(get("hw1.p2").sample(seed))
    assert r["max_abs_difference"] == 0.0


# ------------------------------------------------------------ float data (issue 12)
def test_recover_filter_accepts_float_data_with_round_off():
    """Does recover_filter find a float kernel from y computed in float64 by
    torch (round-off in y is not an inconsistency)?"""
    x = np.array([1.1, 4.3, 0.2, -2.7, 3.9, 0.55])
    w = np.array([0.3, -1.7, 2.2])
    y = torch.nn.functional.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None]).numpy().ravel()
    assert np.allclose(conv.recover_filter(x, y), w, atol=1e-12, rtol=0)
    assert np.allclose(conv.recover_filter(x, y, flipped=True), w[::-1], atol=1e-12, rtol=0)


def test_recover_filter_rejects_inconsistent_float_data():
    """Is a float y that no kernel reproduces still refused as inconsistent?"""
    x = np.array([1.1, 4.3, 0.2, -2.7, 3.9, 0.55])
    y = np.array([1.0, 2.0, 3.0, 4.5])
    with pytest.raises(ValueError, match="inconsistent"):
        conv.recover_filter(x, y)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_recover_filter_rejects_non_finite_input(bad):
    """Does NaN or infinity in x give a ValueError that says so?"""
    with pytest.raises(ValueError, match="finite"):
        conv.recover_filter([1.0, bad, 0.0, -2.0, 3.0], [1.0, 2.0, 3.0])
