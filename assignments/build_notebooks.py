"""Build the four nbgrader source notebooks and the manifest from one description.

Run from the repository root::

    .venv/bin/python assignments/build_notebooks.py

It writes ``assignments/source/hwN/hwN.ipynb`` (nbformat 4, kernel python3)
and ``assignments/manifest.json``. Every autograded problem becomes four
cells: a statement (markdown), a solution cell with the reference answer
between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (plain numpy, no hwlib),
a visible test cell that checks only the form of the answer, and a hidden
test cell that calls the checker. Written parts become manually graded
markdown answer cells. The text of every homework lives in the HW1..HW4
tables below, so one file shows a whole homework.
"""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = 3


# ------------------------------------------------------------------ cell kinds
@dataclass
class Md:
    """A plain markdown cell (statement text, no nbgrader role)."""
    text: str


@dataclass
class Code:
    """A plain code cell (setup or a skeleton the student may edit; not graded)."""
    code: str


@dataclass
class Auto:
    """An autograded answer: statement, solution cell, form test, hidden test."""
    id: str
    kind: str          # "function" or "value"
    answer: str        # the function or variable the checker reads
    points: float
    statement: str
    solution: str      # full cell text with the BEGIN/END SOLUTION region
    form_test: str     # visible test: form only
    reference: str | None = None   # registry id when it differs from id


@dataclass
class Manual:
    """A written answer graded by hand (markdown cell, solution and grade)."""
    id: str
    points: float
    statement: str     # the question and a short rubric
    model_answer: str  # replaced by "YOUR ANSWER HERE" in the release


@dataclass
class ModelFile:
    """A trained-model file the student saves next to the notebook."""
    id: str
    answer: str        # the file name
    points: float
    statement: str


def _dd(text: str) -> str:
    return textwrap.dedent(text)


def _gid(problem_id: str, suffix: str) -> str:
    return problem_id.replace(".", "_") + "_" + suffix


def _src(text: str) -> list[str]:
    text = textwrap.dedent(text).strip("\n")
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool,
          points: float | None = None) -> dict:
    nb = {"grade": grade, "grade_id": grade_id, "locked": locked,
          "schema_version": SCHEMA, "solution": solution, "task": False}
    if points is not None:
        nb["points"] = points
    return {"nbgrader": nb}


def _md(text: str, meta: dict | None = None) -> dict:
    return {"cell_type": "markdown", "metadata": meta or {}, "source": _src(text)}


def _code(text: str, meta: dict | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": meta or {},
            "outputs": [], "source": _src(text)}


def hidden_test(problem_id: str) -> str:
    return ("### BEGIN HIDDEN TESTS\n"
            "from hwlib.grading.checkers import check\n"
            f'check("{problem_id}", globals())\n'
            "### END HIDDEN TESTS")


def build_cells(items: list) -> tuple[list[dict], list[dict]]:
    """Notebook cells and manifest entries for one homework."""
    cells, entries = [], []
    for item in items:
        if isinstance(item, Md):
            cells.append(_md(item.text))
        elif isinstance(item, Code):
            cells.append(_code(item.code))
        elif isinstance(item, Auto):
            answer_id, test_id = _gid(item.id, "answer"), _gid(item.id, "test")
            cells.append(_md(item.statement))
            cells.append(_code(item.solution, _meta(answer_id, solution=True, grade=False,
                                                    locked=False)))
            cells.append(_code(item.form_test, _meta(_gid(item.id, "form"), solution=False,
                                                     grade=False, locked=True)))
            cells.append(_code(hidden_test(item.id), _meta(test_id, solution=False, grade=True,
                                                           locked=True, points=item.points)))
            entry = {"id": item.id, "answer": item.answer, "kind": item.kind,
                     "points": item.points, "answer_cell": answer_id, "test_cell": test_id}
            if item.reference:
                entry["reference"] = item.reference
            entries.append(entry)
        elif isinstance(item, Manual):
            answer_id = _gid(item.id, "answer")
            cells.append(_md(item.statement))
            cells.append(_md(item.model_answer, _meta(answer_id, solution=True, grade=True,
                                                      locked=False, points=item.points)))
            entries.append({"id": item.id, "answer": None, "kind": "manual",
                            "points": item.points, "answer_cell": answer_id, "test_cell": None})
        elif isinstance(item, ModelFile):
            test_id = _gid(item.id, "test")
            cells.append(_md(item.statement))
            cells.append(_code(hidden_test(item.id), _meta(test_id, solution=False, grade=True,
                                                           locked=True, points=item.points)))
            entries.append({"id": item.id, "answer": item.answer, "kind": "model_file",
                            "points": item.points, "answer_cell": None, "test_cell": test_id})
        else:
            raise TypeError(f"unknown item {item!r}")
    return cells, entries


def notebook(cells: list[dict]) -> dict:
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 4}


# ======================================================================= HW1
HOW_TO = """
**How this notebook is graded.** Write each answer in the cell that says so;
keep the function names and signatures exactly as given. Arguments arrive as
plain Python lists and numbers: convert them with `np.asarray` if you want
arrays. Return numbers, lists, numpy arrays or dicts of these. Only `numpy`
(and, for the training problem, `torch`) is available. The cell after each
answer checks only the *form* of your answer (type, shape, that it runs);
the grader then calls your function on the example of the statement **and
on fresh random inputs**, so hard-coding the example's result earns nothing.
Written answers go in the markdown cells marked for them and are graded by
hand against the rubric given with the question.
"""

HW1 = [
    Md(_dd("""
    # Homework 1: moving averages, convolution, layer sizes, a CNN on EuroSAT
    """) + HOW_TO),
    # ---- problem 1
    Md("""
    ## Problem 1: an exponential moving average started at zero

    A sequence $x_1, x_2, \\dots, x_n$ is smoothed by the recursion
    $\\mu_t = \\beta\\,\\mu_{t-1} + (1-\\beta)\\,x_t$ with $0<\\beta<1$, starting from
    $\\mu_0 = 0$. The geometric sum $\\sum_{k=1}^{n}\\beta^{k-1} = (1-\\beta^n)/(1-\\beta)$
    may be used freely.
    """),
    Manual("hw1.p1_proof", 2, """
    **1(a) (written, 2 points).** Unroll the recursion to write $\\mu_n$ as a weighted
    sum of $x_1,\\dots,x_n$, show that the weights add up to $1-\\beta^n$ rather than 1
    (so $\\mu_n$ is biased towards the starting value 0), and conclude that
    $\\hat\\mu_n = \\mu_n/(1-\\beta^n)$ removes the bias.

    *Rubric:* 1 point for the weights $(1-\\beta)\\beta^{n-i}$ and their sum via the
    geometric series; 1 point for the argument that dividing by the sum of the
    weights (or by $1-\\beta^n$ in $\\mathbb E[\\mu_n]$ for i.i.d. $x_i$ of mean $m$)
    gives an unbiased, properly normalised average.
    """, """
    Unrolling gives $\\mu_n = (1-\\beta)\\sum_{i=1}^n \\beta^{n-i}x_i$. The weights sum to
    $(1-\\beta)\\sum_{k=0}^{n-1}\\beta^k = 1-\\beta^n < 1$, so for i.i.d. $x_i$ with mean $m$
    we get $\\mathbb E[\\mu_n] = m(1-\\beta^n) \\ne m$: the missing weight $\\beta^n$ sits on
    $\\mu_0 = 0$. Dividing by $1-\\beta^n$ rescales the weights to sum to one without
    changing their ratios, so $\\mathbb E[\\hat\\mu_n] = m$.
    """),
    Auto("hw1.p1", "function", "ema_debiased", 2, """
    **1(b) (autograded, 2 points).** Write `ema_debiased(xs, beta)` returning the list
    $[\\hat\\mu_1, \\dots, \\hat\\mu_n]$ of bias-corrected averages, where the EMA starts at
    $\\mu_0 = 0$ and $\\hat\\mu_t = \\mu_t/(1-\\beta^t)$. For `xs = [4, 6, 5, 7, 3]` and
    `beta = 0.9` the first entry is exactly 4.
    """, """
    import numpy as np

    def ema_debiased(xs, beta):
        \"\"\"Bias-corrected EMA: list of mu_t / (1 - beta**t) for t = 1..n, mu_0 = 0.\"\"\"
        ### BEGIN SOLUTION
        mu, out = 0.0, []
        for t, x in enumerate(xs, start=1):
            mu = beta * mu + (1 - beta) * x
            out.append(mu / (1 - beta ** t))
        return out
        ### END SOLUTION
    """, """
    import numpy as np
    _out = ema_debiased([4.0, 6.0, 5.0, 7.0, 3.0], 0.9)
    assert np.shape(_out) == (5,), f"expected one value per input, got shape {np.shape(_out)}"
    print("form ok:", np.round(_out, 4))
    """),
    # ---- problem 2
    Md("""
    ## Problem 2: convolution commutes with shifts

    For a kernel $h$ let $\\mathcal G(f)(x) = \\int_{-\\infty}^{\\infty} f(\\tau)\\,h(x-\\tau)\\,d\\tau$
    (true convolution, kernel flipped).
    """),
    Manual("hw1.p2_proof", 3, """
    **2(a) (written, 3 points).** Prove that shifting the input shifts the output by the
    same amount: $\\mathcal G(f(\\cdot-a))(x) = \\mathcal G(f)(x-a)$ for every real $a$.

    *Rubric:* 1 point for writing the left side as an integral with $f(\\tau-a)$; 1 point
    for the substitution $t = \\tau - a$ (limits and $d\\tau = dt$ stated); 1 point for
    recognising the result as $\\mathcal G(f)$ evaluated at $x-a$.
    """, """
    $\\mathcal G(f(\\cdot-a))(x) = \\int f(\\tau-a)h(x-\\tau)d\\tau$. With $t=\\tau-a$ (so
    $d\\tau = dt$, limits unchanged) this is $\\int f(t)h((x-a)-t)dt = \\mathcal G(f)(x-a)$.
    """),
    Auto("hw1.p2", "function", "shift_check", 1, """
    **2(b) (autograded, 1 point).** The same fact holds for periodic signals of length $N$
    with circular convolution $(f*h)[n] = \\sum_{m=0}^{N-1} f[m]\\,h[(n-m) \\bmod N]$ and the
    circular shift $(S_a f)[n] = f[(n-a) \\bmod N]$ (that is `np.roll(f, a)`). Write
    `shift_check(f, h, a)` returning a dict with two lists: `"conv_of_shifted"`
    $= (S_a f) * h$ and `"shifted_conv"` $= S_a(f*h)$. (They should agree.)
    """, """
    import numpy as np

    def shift_check(f, h, a):
        \"\"\"Circular convolution of the shifted signal, and the shifted circular convolution.\"\"\"
        ### BEGIN SOLUTION
        f, h = np.asarray(f, dtype=float), np.asarray(h, dtype=float)
        n = len(f)

        def circular(u, v):
            return np.array([sum(u[m] * v[(k - m) % n] for m in range(n)) for k in range(n)])

        return {"conv_of_shifted": circular(np.roll(f, a), h),
                "shifted_conv": np.roll(circular(f, h), a)}
        ### END SOLUTION
    """, """
    import numpy as np
    _out = shift_check([1, 2, 0, -1, 3, 0, 0, 0], [1, -1, 2, 0, 0, 0, 0, 0], 3)
    assert isinstance(_out, dict) and set(_out) >= {"conv_of_shifted", "shifted_conv"}, "return a dict with both keys"
    assert np.shape(_out["conv_of_shifted"]) == (8,) and np.shape(_out["shifted_conv"]) == (8,)
    print("form ok")
    """),
    # ---- problem 3
    Md("""
    ## Problem 3: layer sizes and positional information
    """),
    Auto("hw1.p3a", "value", "param_formulas", 3, """
    **3(1) (autograded, 3 points).** A convolution layer with a $k\\times k$ kernel maps an
    input of $C_{in}$ channels of size $H\\times W$ to $C_{out}$ channels of the same size;
    every output channel has a bias. A dense layer connects the same $H W C_{in}$ inputs to
    the same $H W C_{out}$ outputs, one bias per output. Set the variable `param_formulas`
    to a dict of two formula strings, the number of trainable parameters of each:
    `{"conv": "...", "dense": "..."}`, written with the names `H`, `W`, `C_in`, `C_out`,
    `k` (for example `"C_out*k**2"`; `^` also means power). Any equivalent form is accepted.
    """, """
    ### BEGIN SOLUTION
    param_formulas = {"conv": "C_out*(k**2*C_in + 1)",
                      "dense": "H*W*C_out*(H*W*C_in + 1)"}
    ### END SOLUTION
    """, """
    assert isinstance(param_formulas, dict), "param_formulas should be a dict"
    assert all(isinstance(param_formulas.get(k), str) for k in ("conv", "dense")), "two strings: conv and dense"
    print("form ok")
    """),
    Auto("hw1.p3b", "function", "positional_encoding", 2, """
    **3(2a) (autograded, 2 points).** Write `positional_encoding(n_positions, d)` returning the
    sinusoidal encoding table of shape `(n_positions, d)` (one **row** per position
    $p = 0, \\dots, n-1$; $d$ even): column $2i$ holds $\\sin(p/10000^{2i/d})$ and column
    $2i+1$ holds $\\cos(p/10000^{2i/d})$.
    """, """
    import numpy as np

    def positional_encoding(n_positions, d):
        \"\"\"Sinusoidal positional encoding, shape (n_positions, d), one row per position.\"\"\"
        ### BEGIN SOLUTION
        pos = np.arange(n_positions, dtype=float)[:, None]
        angles = pos * 10000.0 ** (-np.arange(0, d, 2) / d)
        pe = np.zeros((n_positions, d))
        pe[:, 0::2] = np.sin(angles)
        pe[:, 1::2] = np.cos(angles)
        return pe
        ### END SOLUTION
    """, """
    import numpy as np
    _pe = positional_encoding(8, 16)
    assert np.shape(_pe) == (8, 16), f"expected shape (8, 16), got {np.shape(_pe)}"
    print("form ok")
    """),
    Manual("hw1.p3b_essay", 2, """
    **3(2b) (written, 2 points).** Why does a Transformer need positional information at all,
    and how does one method (for example the table above, or another) supply it?

    *Rubric:* 1 point: self-attention treats its inputs as an unordered set (permuting the
    tokens just permutes the outputs), so without positions word order is invisible;
    1 point: a concrete method (sinusoidal or learned encodings added to the embeddings,
    relative encodings, rotary embeddings) and how it enters the model.
    """, """
    Attention is permutation-equivariant: reordering the tokens only reorders the outputs,
    so the model sees a bag of tokens. Adding a position-dependent vector to each token
    embedding (e.g. the sinusoidal table, whose frequencies let relative offsets be
    expressed linearly) makes the representation depend on position; rotary encodings
    instead rotate queries and keys by a position-dependent angle.
    """),
    # ---- problem 4
    Md("""
    ## Problem 4: a CNN for EuroSAT

    EuroSAT has 27,000 RGB satellite images of $64\\times 64$ pixels in 10 land-cover classes.
    The network for this problem is fixed: five blocks, each a $3\\times3$ convolution with
    padding 1 (so the size is kept), optionally followed by batch norm, then ReLU, optionally
    dropout, then $2\\times2$ max pooling; the channel counts are 32, 64, 128, 256, 512. After
    the last block the $512\\times2\\times2$ map is flattened (2048 values) and passed through
    a dense layer of 256 units, ReLU, optional dropout, and a dense layer of 10 outputs.
    When batch norm follows a convolution, that convolution has no bias.
    """),
    Auto("hw1.p4_layers", "function", "eurosat_cnn_summary", 3, """
    **4(1) (autograded, 3 points).** Write `eurosat_cnn_summary(channels, hidden, size, classes)`
    for the network above with the given block channels (a list of 5), dense width `hidden`,
    square input `3 x size x size`, and `classes` outputs. Return a dict with
    - `"outputs"`: the output shape after each of the 13 layers in order (conv1, pool1, …,
      conv5, pool5, flatten, dense, dense), e.g. `[32, 64, 64]` for conv1 and `[2048]` for
      flatten;
    - `"params"`: the trainable parameters of each of these 13 layers **without** batch norm;
    - `"total"`: their sum; `"total_bn"`: the total when every convolution is followed by batch
      norm (two parameters per channel, and no convolution bias).
    """, """
    import numpy as np

    def eurosat_cnn_summary(channels, hidden, size, classes):
        \"\"\"Output shapes and parameter counts per layer of the five-block EuroSAT CNN.\"\"\"
        ### BEGIN SOLUTION
        outputs, params = [], []
        c, s = 3, size
        for c_out in channels:
            outputs.append([c_out, s, s])
            params.append(c_out * (c * 9 + 1))   # 3x3 weights per input channel + bias
            s //= 2
            outputs.append([c_out, s, s])
            params.append(0)                      # pooling has no parameters
            c = c_out
        flat = c * s * s
        outputs += [[flat], [hidden], [classes]]
        params += [0, flat * hidden + hidden, hidden * classes + classes]
        total = sum(params)
        # BN adds gamma and beta per channel and removes the conv bias: +1 per channel
        return {"outputs": outputs, "params": params, "total": total,
                "total_bn": total + sum(channels)}
        ### END SOLUTION
    """, """
    _s = eurosat_cnn_summary([32, 64, 128, 256, 512], 256, 64, 10)
    assert isinstance(_s, dict) and set(_s) >= {"outputs", "params", "total", "total_bn"}, "return a dict with the four keys"
    assert len(_s["outputs"]) == 13 and len(_s["params"]) == 13, "one entry per layer (13 layers)"
    print("form ok")
    """, reference="hw1.p4"),
    ModelFile("hw1.p4", "eurosat_model.pt", 10, """
    **4(2) (autograded from your saved model, 10 points).** Train the network above on the
    EuroSAT training split (use a random 80/20 train/test split of the 27,000 images; inputs
    are the images scaled to $[0, 1]$ as `torchvision.transforms.ToTensor()` gives, with no
    further normalisation) and save its weights with
    `torch.save(model.state_dict(), "eurosat_model.pt")` **in the folder of this notebook**.
    You may use batch norm or not; keep the layer order of the skeleton below so that the
    saved tensors line up with the architecture. Credit from the accuracy on held-out test
    images: 100% of the points from 90% accuracy, 60% from 80%, 30% from 50%. A hidden
    grading cell checks the file when the notebook is graded; your training is not rerun then.
    """),
    Code("""
    # Training skeleton for problem 4 (not graded; set TRAIN = True to run it yourself).
    TRAIN = False
    DATA_DIR = "EuroSAT"   # a folder with one sub-folder of .jpg images per class

    if TRAIN:
        import torch
        from torch import nn
        from torchvision import datasets, transforms

        def block(c_in, c_out, bn, p_drop):
            layers = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not bn)]
            layers += [nn.BatchNorm2d(c_out)] if bn else []
            layers += [nn.ReLU()] + ([nn.Dropout2d(p_drop)] if p_drop else [])
            return layers + [nn.MaxPool2d(2)]

        def make_model(bn=True, p_drop=0.05):
            layers, c_in = [], 3
            for c_out in (32, 64, 128, 256, 512):
                layers += block(c_in, c_out, bn, p_drop)
                c_in = c_out
            layers += [nn.Flatten(), nn.Linear(2048, 256), nn.ReLU()]
            layers += [nn.Dropout(p_drop)] if p_drop else []
            return nn.Sequential(*layers, nn.Linear(256, 10))

        data = datasets.ImageFolder(DATA_DIR, transform=transforms.ToTensor())
        n_test = len(data) // 5
        train_set, test_set = torch.utils.data.random_split(
            data, [len(data) - n_test, n_test], generator=torch.Generator().manual_seed(0))
        loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)
        model = make_model()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        for epoch in range(10):
            model.train()
            for images, labels in loader:
                # To be written by you: forward pass, cross-entropy loss, backward, step.
                pass
            # To be written by you: training loss/accuracy and test accuracy per epoch.
        torch.save(model.state_dict(), "eurosat_model.pt")
    """),
    Manual("hw1.p4_report", 5, """
    **4(3) (written, 5 points).** Report training loss and accuracy per epoch and the final
    test accuracy, and compare train and test error with and without batch norm and with and
    without dropout (four runs; a table is enough). Say what each technique changed.

    *Rubric:* 2 points for the curves/table of one run; 2 points for the four-way comparison
    with numbers; 1 point for a sensible interpretation (e.g. BN speeds up training and
    regularises a little, dropout narrows the train–test gap at some cost in training accuracy).
    """, """
    Example (10 epochs, Adam 1e-3): no BN/no dropout 95.5% train / 90.9% test; BN only
    94.9 / 92.8; dropout only 93.2 / 91.7; both 92.6 / 93.1. BN gave the largest test gain,
    dropout a smaller one; together they gave the lowest test error and the smallest gap.
    """),
]


# ======================================================================= HW2
HW2 = [
    Md(_dd("""
    # Homework 2: convolutions, normalization, separable convolutions, dropout
    """) + HOW_TO + _dd("""
    **Convention.** In this homework "convolution" means **cross-correlation**: the filter is
    slid over the signal *without* flipping it, $y_i = \\sum_j w_j\\,x_{i+j}$ (what deep-learning
    libraries compute).
    """)),
    Manual("hw2.q1_reasons", 2, """
    ## Question 1: convolutions

    **1(a) (written, 2 points).** Give two reasons why convolutional layers are usually
    preferred over fully connected layers for images.

    *Rubric:* 1 point each for two distinct reasons, e.g. far fewer parameters through local
    connectivity and weight sharing; translation equivariance (a feature detector works
    anywhere in the image); use of local spatial structure / hierarchical features.
    """, """
    (1) Weight sharing and local connectivity: a filter has $k^2C_{in}$ weights whatever the
    image size, where a dense layer needs one weight per input–output pair. (2) Translation
    equivariance: the same filter detects a pattern wherever it occurs, which matches how
    image content moves around.
    """),
    Auto("hw2.q2b", "function", "filter_from_output", 2, """
    **1(b) (autograded, 2 points).** The signal $[1, 4, 0, -2, 3]$ was cross-correlated with an
    unknown length-3 filter (no padding, stride 1), giving $[-2, 2, 11]$. Write
    `filter_from_output(x, y)` that recovers the filter $[w_1, w_2, w_3]$ from an input `x`
    and the output `y` of such a length-3 cross-correlation (you may assume the filter is
    determined uniquely). Hint: each output entry is one linear equation in the $w_j$.
    """, """
    import numpy as np

    def filter_from_output(x, y):
        \"\"\"Length-3 filter w with y[i] = sum_j w[j] x[i + j] (cross-correlation, no flip).\"\"\"
        ### BEGIN SOLUTION
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        k = len(x) - len(y) + 1
        A = np.array([x[i:i + k] for i in range(len(y))])   # row i: the window output i sees
        w, *_ = np.linalg.lstsq(A, y, rcond=None)
        return w
        ### END SOLUTION
    """, """
    import numpy as np
    _w = filter_from_output([1, 4, 0, -2, 3], [-2, 2, 11])
    assert np.shape(_w) == (3,), f"expected three numbers, got shape {np.shape(_w)}"
    print("form ok:", _w)
    """),
    Auto("hw2.q2c", "function", "transpose_conv2d", 3, """
    **1(c) (autograded, 3 points).** Transpose convolution upsamples: every input entry
    $x_{ij}$ adds the whole filter, scaled by $x_{ij}$, into the output with its top-left
    corner at $(i\\cdot s, j\\cdot s)$ for stride $s$; overlapping contributions are summed,
    the filter is not flipped, and padding $p$ then removes $p$ rows and columns from every
    border. In 1D, input $[a, b, c]$ with filter $[x, y, z]$ and stride 2 gives
    $[ax, ay, az+bx, by, bz+cx, cy, cz]$. Write `transpose_conv2d(x, w, stride, padding)` for
    2D inputs (rows first). For input $\\begin{bmatrix}-1&2\\\\3&1\\end{bmatrix}$ and filter
    $\\begin{bmatrix}1&-1\\\\0&1\\end{bmatrix}$ with stride 1 and no padding, the output is
    $3\\times3$.
    """, """
    import numpy as np

    def transpose_conv2d(x, w, stride, padding):
        \"\"\"2D transpose convolution (scatter-add, no flip); output cropped by padding.\"\"\"
        ### BEGIN SOLUTION
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        (h, wd), (kh, kw) = x.shape, w.shape
        full = np.zeros(((h - 1) * stride + kh, (wd - 1) * stride + kw))
        for i in range(h):
            for j in range(wd):
                full[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * w
        return full[padding:full.shape[0] - padding, padding:full.shape[1] - padding]
        ### END SOLUTION
    """, """
    import numpy as np
    _y = transpose_conv2d([[-1, 2], [3, 1]], [[1, -1], [0, 1]], 1, 0)
    assert np.shape(_y) == (3, 3), f"expected a 3x3 output, got shape {np.shape(_y)}"
    print("form ok")
    """),
    Auto("hw2.q2c_1d", "function", "transpose_conv1d_symbolic", 2, """
    **1(d) (autograded, 2 points).** Do the 1D case symbolically. Write
    `transpose_conv1d_symbolic(inputs, kernel, stride)` where `inputs` and `kernel` are
    lists of variable names (strings such as `["a", "b", "c"]` and `["x", "y", "z"]`);
    return the output as a list of strings, one formula per output entry, e.g.
    `["a*x", "a*y", "a*z + b*x", ...]` for stride 2. An entry that receives nothing is `"0"`.
    Any equivalent way of writing each entry is accepted.
    """, """
    def transpose_conv1d_symbolic(inputs, kernel, stride):
        \"\"\"1D transpose convolution of named inputs with a named kernel, as formula strings.\"\"\"
        ### BEGIN SOLUTION
        n_out = (len(inputs) - 1) * stride + len(kernel)
        terms = [[] for _ in range(n_out)]
        for i, a in enumerate(inputs):
            for j, w in enumerate(kernel):
                terms[i * stride + j].append(f"{a}*{w}")
        return [" + ".join(t) if t else "0" for t in terms]
        ### END SOLUTION
    """, """
    _out = transpose_conv1d_symbolic(["a", "b", "c"], ["x", "y", "z"], 2)
    assert isinstance(_out, list) and all(isinstance(t, str) for t in _out), "return a list of strings"
    assert len(_out) == 7, f"expected 7 entries, got {len(_out)}"
    print("form ok:", _out)
    """),
    Md("""
    ## Question 2: batch norm and layer norm

    A convolutional activation tensor has axes N (examples in the mini-batch), C (channels)
    and H, W (pixel rows and columns). A normalization layer computes a mean and variance
    over some axes and normalizes each entry with the statistics of its group.
    """),
    Manual("hw2.q3_diagram", 1, """
    **2(a) (written, 1 point).** Three shadings of the N×C×(H·W) cube are offered:
    (A) one channel, all examples and all pixels; (B) one example, all channels and all
    pixels; (C) one example and one channel, all pixels. Which one is batch norm and which
    is layer norm? One sentence of justification each.

    *Rubric:* ½ point each: batch norm is (A) (statistics per channel, across the batch);
    layer norm is (B) (statistics per example, across its features).
    """, """
    Batch norm is (A): each channel is normalized with statistics pooled over the batch and
    all pixels. Layer norm is (B): each example is normalized with its own statistics over
    channels and pixels. (C) is instance norm.
    """),
    Auto("hw2.q3", "function", "norm_axes", 2, """
    **2(b) (autograded, 2 points).** Write `norm_axes(layout)` where `layout` is a
    permutation of the letters `"NCHW"` naming the axes of an array in order (e.g. `"NHWC"`).
    Return `{"batch_norm": [...], "layer_norm": [...]}`: the integer axes (in any order) that
    each layer averages over for that layout.
    """, """
    def norm_axes(layout):
        \"\"\"Axes that batch norm (N, H, W) and layer norm (C, H, W) reduce over for a layout.\"\"\"
        ### BEGIN SOLUTION
        return {"batch_norm": sorted(layout.index(a) for a in "NHW"),
                "layer_norm": sorted(layout.index(a) for a in "CHW")}
        ### END SOLUTION
    """, """
    _axes = norm_axes("NCHW")
    assert isinstance(_axes, dict) and set(_axes) >= {"batch_norm", "layer_norm"}, "return a dict with both keys"
    assert all(isinstance(a, int) for a in _axes["batch_norm"] + _axes["layer_norm"]), "axes are integers"
    print("form ok")
    """),
    Md("""
    ## Question 3: batch norm that only subtracts the mean

    Take scalar data in a batch of $n$: $x_1, \\dots, x_n$. The simplified layer computes
    $\\bar x = \\frac1n\\sum_j x_j$ and outputs $y_i = \\gamma(x_i - \\bar x) + \\beta$ (no division
    by a standard deviation). Let $g_i = \\partial L/\\partial y_i$ be the upstream gradients.
    """),
    Auto("hw2.q4", "function", "meanonly_bn_backward", 2, """
    **3(a) (autograded, 2 points).** Write `meanonly_bn_backward(dy, gamma)` returning the list
    of $\\partial L/\\partial x_i$ for $i = 1..n$, given `dy` $= [g_1, \\dots, g_n]$ and $\\gamma$.
    Remember that $\\bar x$ depends on every $x_i$. (A batch of one is a valid input.)
    """, """
    import numpy as np

    def meanonly_bn_backward(dy, gamma):
        \"\"\"dL/dx_i = gamma * (g_i - mean_j g_j) for y_i = gamma (x_i - mean x) + beta.\"\"\"
        ### BEGIN SOLUTION
        g = np.asarray(dy, dtype=float)
        return gamma * (g - g.mean())
        ### END SOLUTION
    """, """
    import numpy as np
    _dx = meanonly_bn_backward([0.5, -1.0, 2.0, 0.25], 1.5)
    assert np.shape(_dx) == (4,), f"expected 4 values, got shape {np.shape(_dx)}"
    print("form ok")
    """),
    Auto("hw2.q4_formula", "value", "meanonly_bn_formula", 2, """
    **3(b) (autograded, 2 points).** Set `meanonly_bn_formula` to the general expression for
    $\\partial L/\\partial x_i$ as a string, using the names `gamma`, `g_i` and either `gbar`
    (the batch mean of the $g_j$), `mean(g)`, or `S/n` with `S` the sum of the $g_j$.
    """, """
    ### BEGIN SOLUTION
    meanonly_bn_formula = "gamma*(g_i - gbar)"
    ### END SOLUTION
    """, """
    assert isinstance(meanonly_bn_formula, str), "the formula is a string"
    print("form ok")
    """, reference="hw2.q4"),
    Manual("hw2.q4_limits", 1, """
    **3(c) (written, 1 point).** What is $\\partial L/\\partial x_1$ for a batch of one, and why?
    What happens to the influence of the other examples' gradients as $n\\to\\infty$?

    *Rubric:* ½ point: 0, because $y_1 = \\beta$ no longer depends on $x_1$; ½ point: each
    $g_j$ ($j\\neq i$) enters with weight $-\\gamma/n \\to 0$, so the gradient approaches
    $\\gamma g_i$ minus the (bounded) batch-mean correction.
    """, """
    For $n=1$, $x_1 - \\bar x = 0$, so $y_1=\\beta$ is constant and the gradient is 0. As $n$
    grows each other example contributes only $-\\gamma g_j/n$, so $\\partial L/\\partial x_i$
    tends to $\\gamma g_i$ (up to the batch-mean term, which vanishes when the mean gradient does).
    """),
    Auto("hw2.q5", "function", "separable_params", 2, """
    ## Question 4: depthwise-separable convolutions

    **(autograded, 2 points).** Ignore biases. A standard $k\\times k$ convolution maps
    $C_{in}$ to $C_{out}$ channels. A depthwise-separable one first applies one $k\\times k$
    filter to each input channel separately ($C_{in}$ output channels, no mixing), then a
    $1\\times1$ convolution from $C_{in}$ to $C_{out}$ channels. Write
    `separable_params(c_in, c_out, kernel_size)` returning the dict
    `{"standard": ..., "depthwise": ..., "pointwise": ..., "separable": ...}` of parameter
    counts (the last is depthwise + pointwise). For a 3-channel $224\\times224$ image, $3\\times3$
    kernels and 4 output channels the standard count is 108.
    """, """
    def separable_params(c_in, c_out, kernel_size):
        \"\"\"Weights of a standard vs a depthwise-separable convolution (no biases).\"\"\"
        ### BEGIN SOLUTION
        k2 = kernel_size * kernel_size
        depthwise, pointwise = c_in * k2, c_in * c_out
        return {"standard": c_out * c_in * k2, "depthwise": depthwise,
                "pointwise": pointwise, "separable": depthwise + pointwise}
        ### END SOLUTION
    """, """
    _p = separable_params(3, 4, 3)
    assert isinstance(_p, dict) and set(_p) >= {"standard", "depthwise", "pointwise", "separable"}, "return a dict with the four counts"
    print("form ok")
    """),
    Md("""
    ## Question 5: dropout as Tikhonov regularization

    Least squares minimises $\\|y - Xw\\|^2$ for data $X\\in\\mathbb R^{n\\times d}$. Dropout on the
    input features keeps each entry of $X$ independently with **keep-probability $p$** (zeroes
    it otherwise), without rescaling: the loss becomes
    $L(\\tilde w) = \\mathbb E_R\\,\\|y - (R\\odot X)\\tilde w\\|^2$ with $R_{ij}\\sim$ Bernoulli$(p)$.
    Let $\\tilde\\Gamma$ be diagonal with $\\tilde\\Gamma_{jj} = \\|X_{:,j}\\|$ (the norm of column $j$).
    """),
    Manual("hw2.q6_derivation", 3, """
    **5(a) (written, 3 points).** Show that
    $L(\\tilde w) = \\|y - pX\\tilde w\\|^2 + p(1-p)\\|\\tilde\\Gamma\\tilde w\\|^2$.

    *Rubric:* 1 point: per row, mean $p(X\\tilde w)_i$ and variance
    $p(1-p)\\sum_j X_{ij}^2\\tilde w_j^2$ of $\\sum_j R_{ij}X_{ij}\\tilde w_j$; 1 point:
    $\\mathbb E[(y_i-A_i)^2] = (y_i-\\mathbb E A_i)^2 + \\mathrm{Var}A_i$; 1 point: summing over
    rows gives the column norms.
    """, """
    Row $i$: $A_i = \\sum_j R_{ij}X_{ij}\\tilde w_j$ has mean $p(X\\tilde w)_i$ and (independent
    Bernoullis) variance $p(1-p)\\sum_j X_{ij}^2\\tilde w_j^2$. So
    $\\mathbb E(y_i-A_i)^2 = (y_i - p(X\\tilde w)_i)^2 + p(1-p)\\sum_j X_{ij}^2\\tilde w_j^2$; summing
    over $i$ turns $\\sum_i X_{ij}^2$ into $\\tilde\\Gamma_{jj}^2$.
    """),
    Auto("hw2.q6", "function", "dropout_ridge", 4, """
    **5(b)–(d) (autograded, 4 points).** Write `dropout_ridge(X, y, w, p)` (with `w` the
    dropout-trained $\\tilde w$) returning a dict with
    - `"expected_loss"`: the value of $L(\\tilde w)$ from 5(a);
    - `"ridge_weights"`: the weights $w$ for which the dropout loss equals a generalized ridge
      loss $\\|y - Xw\\|^2 + \\|\\Gamma w\\|^2$ (how must $\\tilde w$ be rescaled?);
    - `"X_tilde"`: the data matrix $\\tilde X = X\\Gamma^{-1}$ of the classical ridge problem
      obtained by the change of variables $w' = \\Gamma w$, where $\\Gamma$ is the diagonal
      matrix that makes the two losses equal;
    - `"effective_column_norms"`: the norms of the columns of $\\tilde X$ (list of $d$).
    """, """
    import numpy as np

    def dropout_ridge(X, y, w, p):
        \"\"\"Closed-form dropout loss and its ridge-regression equivalents (keep-probability p).\"\"\"
        ### BEGIN SOLUTION
        X, y, w = (np.asarray(v, dtype=float) for v in (X, y, w))
        norms = np.linalg.norm(X, axis=0)
        loss = np.sum((y - p * X @ w) ** 2) + p * (1 - p) * np.sum((norms * w) ** 2)
        gamma = np.sqrt((1 - p) / p) * norms      # diagonal of Gamma for w = p * w~
        X_tilde = X / gamma                        # X Gamma^{-1}: divide column j by Gamma_jj
        return {"expected_loss": loss, "ridge_weights": p * w, "X_tilde": X_tilde,
                "effective_column_norms": np.linalg.norm(X_tilde, axis=0)}
        ### END SOLUTION
    """, """
    import numpy as np
    _X = [[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 0.0, 1.0], [1.0, -1.0, 2.0], [3.0, 1.0, -1.0]]
    _r = dropout_ridge(_X, [1.0, 0.0, 2.0, 1.0, 3.0], [0.5, -1.0, 0.25], 0.8)
    assert isinstance(_r, dict), "return a dict"
    assert np.shape(_r["X_tilde"]) == (5, 3) and np.shape(_r["ridge_weights"]) == (3,)
    print("form ok")
    """),
    Manual("hw2.q6_bn", 2, """
    **5(e) (written, 2 points).** What do the column norms of $\\tilde X$ tell you (how do they
    depend on $X$?), and what does that suggest about dropout and batch normalization?

    *Rubric:* 1 point: all columns of $\\tilde X$ have the same norm $\\sqrt{p/(1-p)}$,
    independent of $X$; 1 point: so dropout implicitly equalises feature scales, as batch
    norm does explicitly by normalizing each feature.
    """, """
    Every column of $\\tilde X$ has norm $\\sqrt{p/(1-p)}$, whatever $X$ was: the effective
    features are rescaled to a common norm, which is what batch norm does explicitly; dropout
    acts like a feature-normalizing regularizer.
    """),
]


# ======================================================================= HW3
HW3 = [
    Md(_dd("""
    # Homework 3: 1D convolutions, parameter counts, attention, densities, SGD
    """) + HOW_TO + _dd("""
    **Conventions.** Convolutions are cross-correlations (no flip) and indices in written
    formulas start at 1. **Dilation counts the zeros inserted between kernel taps**: dilation 0
    is an ordinary convolution and dilation 2 puts taps 3 samples apart. In self-attention the
    **tokens are the columns** of $X\\in\\mathbb R^{D\\times N}$.
    """)),
    Auto("hw3.q1", "function", "dilated_input_indices", 3, """
    ## Question 1: a dilated, strided convolution written out

    **(autograded, 3 points).** With kernel size 3, stride 1 and dilation 0 the output is
    $z_i = w_1x_{i-1} + w_2x_i + w_3x_{i+1}$. Now take kernel size 7, dilation 2 and stride 3 and
    number the outputs $k = 1, 2, \\dots$ so that $z_1$ starts at $x_1$. Write
    `dilated_input_indices(kernel_size, dilation, stride, k)` returning the list of the
    (1-based) input indices that $z_k$ multiplies by $w_1, w_2, \\dots$ in that order. For the
    numbers above and $k=1$ the list starts `[1, 4, ...]`.
    """, """
    def dilated_input_indices(kernel_size, dilation, stride, k):
        \"\"\"1-based input indices read by output z_k (dilation = zeros between taps).\"\"\"
        ### BEGIN SOLUTION
        start = 1 + stride * (k - 1)
        return [start + j * (dilation + 1) for j in range(kernel_size)]
        ### END SOLUTION
    """, """
    _idx = dilated_input_indices(7, 2, 3, 1)
    assert isinstance(_idx, list) and len(_idx) == 7, "one index per kernel tap"
    print("form ok:", _idx)
    """),
    Auto("hw3.q2", "function", "receptive_field", 2, """
    ## Question 2: receptive field

    **(autograded, 2 points).** Three zero-padded 1D convolutions with kernel size 7, stride 1
    and dilation 0 are stacked. Write `receptive_field(kernel_sizes, strides, dilations)`
    returning how many input samples one unit of the last layer depends on, for any stack
    (lists of equal length, first layer first; dilation as zeros inserted).
    """, """
    def receptive_field(kernel_sizes, strides, dilations):
        \"\"\"Receptive field (input samples) of a unit after stacked 1D convolutions.\"\"\"
        ### BEGIN SOLUTION
        rf, jump = 1, 1
        for k, s, d in zip(kernel_sizes, strides, dilations):
            rf += (k - 1) * (d + 1) * jump   # a layer widens the field by its span, in input steps
            jump *= s
        return rf
        ### END SOLUTION
    """, """
    _rf = receptive_field([7, 7, 7], [1, 1, 1], [0, 0, 0])
    assert isinstance(_rf, int), f"expected an int, got {type(_rf).__name__}"
    print("form ok")
    """),
    Auto("hw3.q3", "function", "conv1d_params", 2, """
    ## Question 3: weights and biases of 1D convolutions

    **(autograded, 2 points).** The input has 3 channels; the first layer has kernel size 3 and
    4 output channels; the second has kernel size 5 and 10 channels. Write
    `conv1d_params(in_channels, layers)` where `layers` is a list of `[kernel_size, out_channels]`
    pairs; return a list with `[weights, biases]` for each layer.
    """, """
    def conv1d_params(in_channels, layers):
        \"\"\"[weights, biases] of each stacked 1D convolution layer.\"\"\"
        ### BEGIN SOLUTION
        out, c = [], in_channels
        for k, c_out in layers:
            out.append([c_out * c * k, c_out])
            c = c_out
        return out
        ### END SOLUTION
    """, """
    _p = conv1d_params(3, [[3, 4], [5, 10]])
    assert isinstance(_p, list) and len(_p) == 2 and all(len(r) == 2 for r in _p), "one [weights, biases] pair per layer"
    print("form ok")
    """),
    Auto("hw3.q4", "function", "bn_relu_conv_params", 2, """
    ## Question 4: a residual block

    **(autograded, 2 points).** A residual block applies batch norm, then ReLU, then a $k\\times k$
    convolution (with bias); input and output both have $C$ channels (512 and $k=3$ in the
    book). Write `bn_relu_conv_params(channels, kernel_size)` returning the number of
    trainable parameters of the block.
    """, """
    def bn_relu_conv_params(channels, kernel_size):
        \"\"\"Parameters of BN -> ReLU -> k x k conv with C channels in and out.\"\"\"
        ### BEGIN SOLUTION
        c = channels
        return 2 * c + c * c * kernel_size ** 2 + c
        ### END SOLUTION
    """, """
    _n = bn_relu_conv_params(512, 3)
    assert isinstance(_n, int), "an integer count"
    print("form ok")
    """),
    Auto("hw3.q5", "function", "count_params_bottleneck", 2, """
    ## Question 5: a bottleneck block

    **(autograded, 2 points).** A bottleneck residual block has three batch norm → ReLU →
    convolution sequences: a $1\\times1$ convolution from $C_{outer}$ down to $C_{inner}$ channels,
    a $3\\times3$ convolution from $C_{inner}$ to $C_{inner}$, and a $1\\times1$ convolution back up
    to $C_{outer}$ (512 and 128 in the book). Each batch norm acts on the channels entering its
    sequence; every convolution has biases. Write `count_params_bottleneck(c_outer, c_inner)`
    returning `{"sequences": [n1, n2, n3], "total": n1 + n2 + n3}`.
    """, """
    def count_params_bottleneck(c_outer, c_inner):
        \"\"\"Parameters of the three BN-ReLU-conv sequences of a bottleneck block.\"\"\"
        ### BEGIN SOLUTION
        def seq(c_in, c_out, k):
            return 2 * c_in + c_out * c_in * k * k + c_out
        s = [seq(c_outer, c_inner, 1), seq(c_inner, c_inner, 3), seq(c_inner, c_outer, 1)]
        return {"sequences": s, "total": sum(s)}
        ### END SOLUTION
    """, """
    _b = count_params_bottleneck(512, 128)
    assert isinstance(_b, dict) and len(_b["sequences"]) == 3 and "total" in _b, "sequences (3 counts) and total"
    print("form ok")
    """),
    Md("""
    ## Questions 6 and 7: self-attention

    With tokens as columns of $X\\in\\mathbb R^{D\\times N}$, let $Q = b_q\\mathbf 1^T + W_qX$,
    $K = b_k\\mathbf 1^T + W_kX$, $V = b_v\\mathbf 1^T + W_vX$ with $W_\\cdot\\in\\mathbb R^{D\\times D}$,
    $b_\\cdot\\in\\mathbb R^D$, and $\\mathrm{Sa}[X] = V\\,\\mathrm{Softmax}(K^TQ)$ where the softmax
    normalizes **each column** of the $N\\times N$ matrix $K^TQ$ (no $1/\\sqrt D$ scaling).
    """),
    Auto("hw3.q6", "value", "attention_param_formulas", 4, """
    **6 (autograded, 4 points).** How many weights and how many biases compute the queries, keys
    and values? How many would a fully connected layer from all $DN$ inputs to all $DN$ outputs
    have? Set `attention_param_formulas` to a dict of four formula strings in `D` and `N`:
    `{"attention_weights": ..., "attention_biases": ..., "dense_weights": ..., "dense_biases": ...}`.
    """, """
    ### BEGIN SOLUTION
    attention_param_formulas = {"attention_weights": "3*D**2", "attention_biases": "3*D",
                                "dense_weights": "(D*N)**2", "dense_biases": "D*N"}
    ### END SOLUTION
    """, """
    assert isinstance(attention_param_formulas, dict) and len(attention_param_formulas) == 4, "a dict of four formulas"
    assert all(isinstance(v, str) for v in attention_param_formulas.values()), "formulas are strings"
    print("form ok")
    """),
    Manual("hw3.q7_proof", 3, """
    **7(a) (written, 3 points).** Prove that self-attention is permutation equivariant:
    $\\mathrm{Sa}[XP] = \\mathrm{Sa}[X]P$ for every $N\\times N$ permutation matrix $P$.

    *Rubric:* 1 point: $Q' = QP$, $K' = KP$, $V' = VP$ (because $\\mathbf 1^TP = \\mathbf 1^T$);
    1 point: $\\mathrm{Softmax}(P^TAP) = P^T\\mathrm{Softmax}(A)P$ for the column-wise softmax;
    1 point: $PP^T = I$ finishes the proof.
    """, """
    $Q' = b_q\\mathbf 1^T + W_qXP = (b_q\\mathbf 1^T + W_qX)P = QP$ since $\\mathbf 1^TP=\\mathbf 1^T$;
    likewise $K'=KP$, $V'=VP$. Then $K'^TQ' = P^TK^TQP$; permuting rows and columns of a
    matrix permutes the entries of each column and the columns themselves, so the column-wise
    softmax gives $P^T\\mathrm{Softmax}(K^TQ)P$. Hence
    $\\mathrm{Sa}[XP] = VPP^T\\mathrm{Softmax}(K^TQ)P = \\mathrm{Sa}[X]P$.
    """),
    Auto("hw3.q7", "function", "equivariance_gaps", 4, """
    **7(b) (autograded, 4 points).** Check it numerically, with and without positional
    encodings. Write `equivariance_gaps(D, N, seed, perm)`:
    1. `rng = np.random.default_rng(seed)`; draw, in this order, `X` of shape `(D, N)`, then
       `Wq`, `Wk`, `Wv` (each `(D, D)`), then `bq`, `bk`, `bv` (each `(D,)`), all with
       `rng.standard_normal`;
    2. `P` is the permutation matrix with `X @ P == X[:, perm]`;
    3. `E` is the transpose of the sinusoidal table of Homework 1 (`positional_encoding(N, D).T`,
       shape `(D, N)`; $D$ is even); positions stay put when tokens move, so compare
       $\\mathrm{Sa}[XP+E]$ with $\\mathrm{Sa}[X+E]P$.

    Return `{"max_abs_diff": max|Sa[XP] - Sa[X]P|, "max_abs_diff_with_positional_encoding":
    max|Sa[XP+E] - Sa[X+E]P|, "equivariant": ..., "equivariant_with_positional_encoding": ...}`
    where the last two are `True` when the difference is at most `1e-9`.
    """, """
    import numpy as np

    def equivariance_gaps(D, N, seed, perm):
        \"\"\"Largest |Sa[XP] - Sa[X]P| without and with sinusoidal positional encodings.\"\"\"
        ### BEGIN SOLUTION
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((D, N))
        Wq, Wk, Wv = (rng.standard_normal((D, D)) for _ in range(3))
        bq, bk, bv = (rng.standard_normal(D) for _ in range(3))

        def sa(Z):
            Q, K, V = (b[:, None] + W @ Z for W, b in ((Wq, bq), (Wk, bk), (Wv, bv)))
            S = K.T @ Q
            e = np.exp(S - S.max(axis=0))
            return V @ (e / e.sum(axis=0))       # softmax over each column

        P = np.zeros((N, N))
        P[perm, np.arange(N)] = 1.0
        angles = np.arange(N)[:, None] * 10000.0 ** (-np.arange(0, D, 2) / D)
        pe = np.zeros((N, D))
        pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
        E = pe.T
        plain = float(np.abs(sa(X @ P) - sa(X) @ P).max())
        with_pe = float(np.abs(sa(X @ P + E) - sa(X + E) @ P).max())
        return {"max_abs_diff": plain, "max_abs_diff_with_positional_encoding": with_pe,
                "equivariant": plain <= 1e-9, "equivariant_with_positional_encoding": with_pe <= 1e-9}
        ### END SOLUTION
    """, """
    _g = equivariance_gaps(4, 5, 0, [2, 0, 4, 1, 3])
    assert isinstance(_g, dict) and len(_g) >= 4, "a dict with the four entries"
    assert isinstance(_g["equivariant"], bool), "equivariant should be True or False"
    print("form ok")
    """),
    Auto("hw3.q8", "value", "p_x", 3, """
    ## Question 8: a transformed density

    **(autograded, 3 points).** $z$ is standard normal, $p(z) = e^{-z^2/2}/\\sqrt{2\\pi}$, and
    $x = 1/(1+e^{-z})$. Set `p_x` to a string with the density of $x$ on $0<x<1$, written in
    the variable `x` with `exp`, `log`, `sqrt`, `pi` (any equivalent form is accepted).
    """, """
    ### BEGIN SOLUTION
    p_x = "exp(-log(x/(1 - x))**2/2) / (sqrt(2*pi)*x*(1 - x))"
    ### END SOLUTION
    """, """
    assert isinstance(p_x, str) and "x" in p_x, "p_x is a formula string in x"
    print("form ok")
    """),
    Auto("hw3.q9", "function", "epochs", 1, """
    ## Question 9: epochs

    **(autograded, 1 point).** SGD runs 1,000 iterations on 100 examples with batch size 20.
    Write `epochs(iterations, dataset_size, batch_size, drop_last)` returning the number of
    epochs (a float when it is not whole). An epoch has $\\lceil N/B\\rceil$ batches when the last
    smaller batch is kept (`drop_last=False`) and $\\lfloor N/B\\rfloor$ when it is dropped.
    """, """
    import math

    def epochs(iterations, dataset_size, batch_size, drop_last):
        \"\"\"Epochs covered by a number of SGD iterations.\"\"\"
        ### BEGIN SOLUTION
        if drop_last:
            per_epoch = dataset_size // batch_size
        else:
            per_epoch = math.ceil(dataset_size / batch_size)
        return iterations / per_epoch
        ### END SOLUTION
    """, """
    _e = epochs(1000, 100, 20, False)
    assert isinstance(_e, (int, float)), "a number"
    print("form ok")
    """),
    Auto("hw3.q10", "function", "momentum_weights", 2, """
    ## Question 10: momentum as a weighted sum

    **(autograded, 2 points).** SGD with momentum uses
    $m_{t+1} = \\beta m_t + (1-\\beta)\\,g_t$ with $m_0 = 0$, where $g_t$ is the mini-batch gradient
    at step $t$. Write `momentum_weights(t, beta)` returning the weights of
    $g_t, g_{t-1}, \\dots, g_0$ (most recent first) in $m_{t+1}$.
    """, """
    def momentum_weights(t, beta):
        \"\"\"Weights of g_t, g_{t-1}, ..., g_0 in m_{t+1} (m_0 = 0).\"\"\"
        ### BEGIN SOLUTION
        return [(1 - beta) * beta ** k for k in range(t + 1)]
        ### END SOLUTION
    """, """
    _w = momentum_weights(4, 0.9)
    assert len(_w) == 5, "t + 1 weights"
    print("form ok")
    """),
]


# ======================================================================= HW4
HW4 = [
    Md(_dd("""
    # Homework 4: a small MLP, convolution stacks, batch-norm gradients, LeNet-5
    """) + HOW_TO + _dd("""
    **Conventions.** Samples are the **rows** of a batch matrix. Batch norm uses the **biased**
    batch variance $\\sigma^2 = \\frac1m\\sum_i (x_i-\\mu)^2$ (divide by $m$, not $m-1$).
    """)),
    Md("""
    ## Question 1: a fully connected network

    A mini-batch of $m$ samples with 10 features each passes through a hidden layer of 50
    neurons and an output layer of 3 neurons; **every** neuron (output ones included) applies
    ReLU. Biases are row vectors added to every sample: $Z = XW + \\mathbf 1_m b$.
    """),
    Auto("hw4.q1_shapes", "function", "network_shapes", 3, """
    **1(a)–(d) (autograded, 3 points).** Write `network_shapes(m)` returning a dict with the
    shapes (as tuples or lists) of `"X"`, `"W_h"`, `"b_h"`, `"W_o"`, `"b_o"` and `"Y"`.
    """, """
    def network_shapes(m):
        \"\"\"Shapes of the input, weights, biases (row vectors) and output of the 10-50-3 net.\"\"\"
        ### BEGIN SOLUTION
        return {"X": (m, 10), "W_h": (10, 50), "b_h": (1, 50), "W_o": (50, 3), "b_o": (1, 3),
                "Y": (m, 3)}
        ### END SOLUTION
    """, """
    _s = network_shapes(4)
    assert isinstance(_s, dict) and set(_s) >= {"X", "W_h", "b_h", "W_o", "b_o", "Y"}, "a dict with the six shapes"
    print("form ok")
    """, reference="hw4.q1"),
    Auto("hw4.q1", "function", "relu_network", 2, """
    **1(e) (autograded, 2 points).** Write `relu_network(X, W_h, b_h, W_o, b_o)` returning $Y$
    for the network above (biases of shape `(1, 50)` and `(1, 3)`).
    """, """
    import numpy as np

    def relu_network(X, W_h, b_h, W_o, b_o):
        \"\"\"Y = ReLU(ReLU(X W_h + 1 b_h) W_o + 1 b_o), samples as rows.\"\"\"
        ### BEGIN SOLUTION
        X, W_h, b_h, W_o, b_o = (np.asarray(v, dtype=float) for v in (X, W_h, b_h, W_o, b_o))
        hidden = np.maximum(X @ W_h + b_h, 0.0)
        return np.maximum(hidden @ W_o + b_o, 0.0)
        ### END SOLUTION
    """, """
    import numpy as np
    _rng = np.random.default_rng(1)
    _Y = relu_network(_rng.normal(size=(4, 10)), _rng.normal(size=(10, 50)), np.zeros((1, 50)),
                      _rng.normal(size=(50, 3)), np.zeros((1, 3)))
    assert np.shape(_Y) == (4, 3), f"expected shape (4, 3), got {np.shape(_Y)}"
    print("form ok")
    """),
    Auto("hw4.q2", "function", "same_conv_stack", 3, """
    ## Question 2: a stack of strided convolutions

    **(autograded, 3 points).** Three $3\\times3$ convolutions with stride 2 and SAME padding
    (output size $\\lceil\\text{input}/\\text{stride}\\rceil$) have 100, 200 and 400 output channels
    and biases; the input is an RGB image of $200\\times300$. Write
    `same_conv_stack(in_shape, channels, kernel_size, stride)` (with `in_shape = [C, H, W]`)
    returning `{"params": [...], "outputs": [[C, H, W], ...], "total": ...}`: parameters and
    output shape of each layer and the total.
    """, """
    def same_conv_stack(in_shape, channels, kernel_size, stride):
        \"\"\"Parameters and output shapes of stacked SAME-padded strided convolutions.\"\"\"
        ### BEGIN SOLUTION
        c, h, w = in_shape
        params, outputs = [], []
        for c_out in channels:
            h, w = -(-h // stride), -(-w // stride)      # ceil division
            params.append(c_out * (c * kernel_size ** 2 + 1))
            outputs.append([c_out, h, w])
            c = c_out
        return {"params": params, "outputs": outputs, "total": sum(params)}
        ### END SOLUTION
    """, """
    _r = same_conv_stack([3, 200, 300], [100, 200, 400], 3, 2)
    assert isinstance(_r, dict) and len(_r["params"]) == 3 and len(_r["outputs"]) == 3, "three layers"
    print("form ok")
    """),
    Md("""
    ## Question 3: the batch-norm backward pass

    For one feature and a batch $x_1..x_m$: $\\mu = \\frac1m\\sum x_i$,
    $\\sigma^2 = \\frac1m\\sum (x_i-\\mu)^2$, $\\hat x_i = (x_i-\\mu)/\\sqrt{\\sigma^2+\\epsilon}$,
    $y_i = \\gamma\\hat x_i + \\beta$. The upstream gradients $\\partial L/\\partial y_i$ are given.
    """),
    Manual("hw4.q3_derivation", 3, """
    **3(a) (written, 3 points).** Derive $\\partial L/\\partial\\gamma$, $\\partial L/\\partial\\beta$,
    $\\partial L/\\partial\\sigma^2$, $\\partial L/\\partial\\mu$ and $\\partial L/\\partial x_i$ by the
    chain rule.

    *Rubric:* 1 point for $\\partial L/\\partial\\gamma$, $\\partial L/\\partial\\beta$ and
    $\\partial L/\\partial\\hat x_i$; 1 point for $\\partial L/\\partial\\sigma^2$ and
    $\\partial L/\\partial\\mu$ (noting $\\sum_i(x_i-\\mu)=0$); 1 point for assembling
    $\\partial L/\\partial x_i$.
    """, """
    $\\partial L/\\partial\\gamma = \\sum g_i\\hat x_i$, $\\partial L/\\partial\\beta = \\sum g_i$,
    $\\partial L/\\partial\\hat x_i = \\gamma g_i$,
    $\\partial L/\\partial\\sigma^2 = -\\tfrac12\\sum_i \\gamma g_i(x_i-\\mu)(\\sigma^2+\\epsilon)^{-3/2}$,
    $\\partial L/\\partial\\mu = -\\sum_i\\gamma g_i/\\sqrt{\\sigma^2+\\epsilon}$ and
    $\\partial L/\\partial x_i = \\frac{\\gamma g_i}{\\sqrt{\\sigma^2+\\epsilon}} + \\frac{\\partial L}{\\partial\\sigma^2}\\frac{2(x_i-\\mu)}{m} + \\frac1m\\frac{\\partial L}{\\partial\\mu}$.
    """),
    Auto("hw4.q3", "function", "bn_backward", 3, """
    **3(b) (autograded, 3 points).** Write `bn_backward(x, dy, gamma, eps)` for a batch of one
    feature (`x` and `dy` lists of length $m \\ge 2$) returning
    `{"dx": [...], "dgamma": ..., "dbeta": ...}`.
    """, """
    import numpy as np

    def bn_backward(x, dy, gamma, eps):
        \"\"\"Gradients of batch norm (biased batch variance) w.r.t. x, gamma and beta.\"\"\"
        ### BEGIN SOLUTION
        x, g = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
        m = x.shape[0]
        mu = x.mean(axis=0)
        var = ((x - mu) ** 2).mean(axis=0)          # biased: divide by m
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mu) * inv_std
        dxhat = gamma * g
        dvar = -0.5 * np.sum(dxhat * (x - mu), axis=0) * inv_std ** 3
        dmu = -np.sum(dxhat, axis=0) * inv_std
        dx = dxhat * inv_std + dvar * 2.0 * (x - mu) / m + dmu / m
        return {"dx": dx, "dgamma": np.sum(g * xhat, axis=0), "dbeta": np.sum(g, axis=0)}
        ### END SOLUTION
    """, """
    import numpy as np
    _r = bn_backward([1.0, 2.0, 4.0], [0.1, -0.2, 0.3], 1.5, 1e-5)
    assert isinstance(_r, dict) and set(_r) >= {"dx", "dgamma", "dbeta"}, "a dict with dx, dgamma, dbeta"
    assert np.shape(_r["dx"]) == (3,), "dx has one entry per sample"
    print("form ok")
    """),
    Auto("hw4.q4", "function", "lenet5_params", 2, """
    ## Question 4: LeNet-5 on Fashion-MNIST

    **(autograded, 2 points).** The LeNet-5 used here takes $1\\times28\\times28$ images: a $5\\times5$
    convolution to 6 channels with padding 2, ReLU, $2\\times2$ max pooling; a $5\\times5$
    convolution to 16 channels (no padding), ReLU, $2\\times2$ max pooling; flatten; dense layers
    to 120, 84 and `classes` units; all layers have biases. Write
    `lenet5_params(in_size, classes)` (with `in_size = 28`) returning
    `{"layers": [conv1, conv2, fc1, fc2, fc3], "total": ...}` parameter counts.
    """, """
    def lenet5_params(in_size, classes):
        \"\"\"Parameters of the five weighted layers of LeNet-5 for 28 x 28 inputs.\"\"\"
        ### BEGIN SOLUTION
        s = (in_size + 2 * 2 - 5 + 1) // 2      # conv1 keeps 28 x 28 (padding 2), pool halves
        s = (s - 5 + 1) // 2                    # conv2 without padding, pool halves
        flat = 16 * s * s
        layers = [6 * (1 * 25 + 1), 16 * (6 * 25 + 1), flat * 120 + 120, 120 * 84 + 84,
                  84 * classes + classes]
        return {"layers": layers, "total": sum(layers)}
        ### END SOLUTION
    """, """
    _l = lenet5_params(28, 10)
    assert isinstance(_l, dict) and len(_l["layers"]) == 5 and "total" in _l, "five layer counts and a total"
    print("form ok")
    """),
    Manual("hw4.q4_experiments", 5, """
    **4(b) (written, 5 points).** Train LeNet-5 on Fashion-MNIST four ways — no regularization,
    dropout in the dense layers, weight decay (L2), batch norm after each convolution and
    hidden dense layer — with the same optimiser, batch size and number of epochs. Plot train
    and test accuracy per epoch for each and compare.

    *Rubric:* 2 points for the four sets of curves with the settings stated; 2 points for a
    comparison of final test accuracy and train–test gap with numbers; 1 point for a sensible
    interpretation (e.g. BN mainly speeds up and raises training accuracy, dropout and weight
    decay mainly shrink the gap).
    """, """
    Adam (lr 1e-3), batch 128, 30 epochs: all four reach about 90–91% test accuracy. The
    baseline ends near 96% train (gap 5–6 points); BN trains fastest (98–99% train) but does
    not improve test accuracy; dropout lowers train accuracy to 93–94% and narrows the gap to
    3–4 points; weight decay behaves like a mild version of dropout.
    """),
]

HOMEWORKS = {"hw1": HW1, "hw2": HW2, "hw3": HW3, "hw4": HW4}


def main() -> None:
    manifest = {"assignments": {}}
    for name, items in HOMEWORKS.items():
        cells, entries = build_cells(items)
        out = HERE / "source" / name / f"{name}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(notebook(cells), indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        manifest["assignments"][name] = {"notebook": f"{name}.ipynb", "problems": entries}
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    n = sum(len(a["problems"]) for a in manifest["assignments"].values())
    print(f"wrote 4 notebooks and manifest.json ({n} problems)")


if __name__ == "__main__":
    main()
