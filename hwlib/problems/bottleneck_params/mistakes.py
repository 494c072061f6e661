"""Known wrong answers of bottleneck_params (hw3.q5); the format: docs/add-a-problem.md."""
from fractions import Fraction

MISTAKES = [
    {
        "name": "bn_on_output_channels",
        # Right on these parts, which do not depend on the mistake: no case design can
        # make them wrong, so it keeps their share (tests/test_mistakes_score_zero.py).
        "right_parts": ['total'],
        "score": Fraction(1, 2),
        "phrase": "each batch norm was counted on its convolution's output channels",
        "hint": ("each batch norm was counted on its convolution's output channels; in "
                 "BN-ReLU-conv it normalises the channels entering the convolution"),
        "why": ('Each batch norm counted on the channels its convolution outputs, not the ones '
                'entering it: the first and last sequences are wrong (C_outer != C_inner), but '
                'the total happens to be right: 1 of 2 checks per case.'),
        "code": '''\
def count_params_bottleneck(c_outer, c_inner):
    def seq(c_in, c_out, k):
        return 2 * c_out + c_out * c_in * k * k + c_out
    s = [seq(c_outer, c_inner, 1), seq(c_inner, c_inner, 3), seq(c_inner, c_outer, 1)]
    return {"sequences": s, "total": sum(s)}
''',
    },
]
