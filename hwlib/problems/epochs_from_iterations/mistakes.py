"""Known wrong answers of epochs_from_iterations (hw3.q9); the format: docs/add-a-problem.md."""

MISTAKES: list[dict] = [
    {
        "name": "drop_last_ignored",
        "score": 0,
        "phrase": "the partial last batch was counted, but drop_last=True drops it",
        "hint": "the partial last batch was counted, but drop_last=True drops it",
        "why": ("A partial last batch is always counted (ceil), as if drop_last were False: right "
                "whenever drop_last is False or the batch size divides the data set. The case "
                "design always asks a partial last batch with drop_last=True, so it scores 0."),
        "code": '''\
import math

def epochs(iterations, dataset_size, batch_size, drop_last):
    return iterations / math.ceil(dataset_size / batch_size)
''',
    },
]
