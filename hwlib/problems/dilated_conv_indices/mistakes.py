"""Known wrong answers of dilated_conv_indices (hw3.q1); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "dilation_off_by_one",
        "score": 0,
        "phrase": "dilation + 1",
        "sample": "dilation_off_by_one",
        "why": ('Taps `dilation` apart instead of dilation + 1: every case has kernel size >= 2, '
                'so every case fails.'),
        "code": '''\
def dilated_input_indices(kernel_size, dilation, stride, k):
    """1-based input indices read by output z_k (dilation = zeros between taps)."""
    start = 1 + stride * (k - 1)
    return [start + j * dilation for j in range(kernel_size)]
''',
    },
]
