"""Known wrong answers of transpose_conv_1d_symbolic (hw2.q2c_1d); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "kernel_flipped",
        "score": 0,
        "phrase": "the kernel is flipped",
        "hint": "the kernel is flipped: input i times kernel entry j goes to output i*stride + j",
        "why": ('The kernel is flipped (true convolution): with distinct kernel names of length '
                '>= 2 the first entry is already wrong, in every case.'),
        "code": '''\
def transpose_conv1d_symbolic(inputs, kernel, stride):
    n_out = (len(inputs) - 1) * stride + len(kernel)
    out = []
    for k in range(n_out):
        terms = [f"{a}*{kernel[-1 - (k - i * stride)]}" for i, a in enumerate(inputs)
                 if 0 <= k - i * stride < len(kernel)]      # the kernel read backwards
        out.append(" + ".join(terms) or "0")
    return out
''',
    },
]
