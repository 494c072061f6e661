"""Check of hw2.q3: how the answer is compared, and the known mistakes it names."""

from hwlib.grading.compare import Mismatch, _key, _kind
from hwlib.grading.known_mistakes import diagnose_from_mistakes

CHECKS = ("batch_norm", "layer_norm")


def compare(sol, got, args):
    out = []
    for key, ref_key in (("batch_norm", "batch_norm_axes"), ("layer_norm", "layer_norm_axes")):
        try:
            axes = _key(got, key)
            if not isinstance(axes, list) or not all(
                    isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise Mismatch(f"{key} should be a list of integer axes, got {_kind(axes)}")
            want = sorted(sol[ref_key])
            out.append(None if sorted(axes) == want else
                       f"{key} should average over axes {want} of layout "
                       f"{args['layout']}, got {sorted(axes)}")
        except Mismatch as exc:
            out.append(str(exc))
    return out


def case_design(rng):
    """Layouts with the channels first, last and in between (the axes move with them)."""
    return [("channels last", {"layout": "NHWC"}), ("channels first", {"layout": "CNHW"}),
            ("batch last", {"layout": "HWCN"}), ("channels in the middle", {"layout": "HCWN"})]


# the known mistakes of mistakes.py (those with a hint), named in the feedback
diagnose = diagnose_from_mistakes(__name__)
