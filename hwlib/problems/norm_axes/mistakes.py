"""Known wrong answers of norm_axes (hw2.q3); the format: docs/add-a-problem.md."""

MISTAKES = [
    {
        "name": "batch_and_layer_swapped",
        "score": 0,
        "phrase": "batch norm and layer norm are swapped",
        "hint": ("batch norm and layer norm are swapped: batch norm keeps the channel axis, layer "
                 "norm keeps the batch axis"),
        "why": ('Batch norm and layer norm swapped: {C, H, W} and {N, H, W} differ in every '
                'layout.'),
        "code": '''\
def norm_axes(layout):
    return {"batch_norm": sorted(layout.index(a) for a in "CHW"),
            "layer_norm": sorted(layout.index(a) for a in "NHW")}
''',
    },
]
