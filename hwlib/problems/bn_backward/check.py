"""Check of hw4.q3: how the answer is compared, and the known mistakes it names."""
import numpy as np

from hwlib.grading.compare import _close, _key, _per_key

CHECKS = ("dx", "dgamma", "dbeta")


def compare(sol, got, args):
    return _per_key(_close, sol, got, ("dx", "dgamma", "dbeta"))


def diagnose(sol, got, args):
    try:
        x = np.asarray(args["x"], dtype=np.float64)
        g = np.asarray(args["dy"], dtype=np.float64)
        m = x.shape[0]
        if m < 2:
            return None
        gamma, eps = np.asarray(args["gamma"], dtype=np.float64), float(args.get("eps", 1e-5))
        var = x.var(axis=0, ddof=1)  # the unbiased estimator: the known mistake
        xhat = (x - x.mean(axis=0)) / np.sqrt(var + eps)
        if _close((g * xhat).sum(axis=0), _key(got, "dgamma")) is None:
            return ("it matches the unbiased variance (divide by m - 1); batch norm uses "
                    "the biased batch variance (divide by m)")
    except Exception:
        pass
    return None


def case_design(rng):
    """A batch of two (the smallest with a variance), and a large batch with a large gamma."""
    def case(m, gamma):
        return {"x": np.round(rng.normal(0.0, 2.0, size=m), 3).tolist(),
                "dy": np.round(rng.normal(size=m), 3).tolist(), "gamma": gamma, "eps": 1e-5}
    return [("a batch of two", case(2, 1.0)), ("a batch of eight", case(8, 2.5))]
