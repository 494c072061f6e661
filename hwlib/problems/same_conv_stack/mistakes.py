"""Known wrong answers of same_conv_stack (hw4.q2); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "valid_padding",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['params', 'total'],
        "score": Fraction(2, 3),
        "phrase": "these are VALID padding sizes (n - k) // s + 1",
        "hint": "these are VALID padding sizes (n - k) // s + 1; SAME padding gives ceil(n / s)",
        "why": ('VALID instead of SAME padding: the output sizes (input - k) // s + 1 are too '
                'small for k = 3 in every case, while the parameter counts and total do not '
                'depend on padding: 2 of 3 checks.'),
        "code": '''\
def same_conv_stack(in_shape, channels, kernel_size, stride):
    c, h, w = in_shape
    params, outputs = [], []
    for c_out in channels:
        h, w = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1
        params.append(c_out * (c * kernel_size ** 2 + 1))
        outputs.append([c_out, h, w])
        c = c_out
    return {"params": params, "outputs": outputs, "total": sum(params)}
''',
    },
]
