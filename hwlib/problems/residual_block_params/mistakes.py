"""Known wrong answers of residual_block_params (hw3.q4); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "batch_norm_forgotten",
        "score": 0,
        "phrase": "batch norm's 2C parameters (gamma and beta per channel) are missing",
        "hint": "batch norm's 2C parameters (gamma and beta per channel) are missing",
        "why": ('The 2C parameters of batch norm (gamma and beta per channel) are left out: '
                'short by 2C in every case.'),
        "code": '''\
def bn_relu_conv_params(channels, kernel_size):
    return channels * channels * kernel_size ** 2 + channels
''',
    },
]
