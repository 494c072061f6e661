"""Known wrong answers of circular_shift_equivariance (hw1.p2); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "output_not_shifted",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['conv_of_shifted'],
        "score": 0.5,
        "phrase": "shifted_conv is the convolution of f itself",
        "hint": "shifted_conv is the convolution of f itself: shift it as well",
        "why": ("The convolution of f is returned without shifting it: conv_of_shifted is right, "
                "shifted_conv is wrong unless f * h is constant (1 of 2 checks)."),
        "code": '''\
import numpy as np

def shift_check(f, h, a):
    f, h = np.asarray(f, dtype=float), np.asarray(h, dtype=float)
    n = len(f)

    def circular(u, v):
        return np.array([sum(u[m] * v[(k - m) % n] for m in range(n)) for k in range(n)])

    return {"conv_of_shifted": circular(np.roll(f, a), h), "shifted_conv": circular(f, h)}
''',
    },
]
