"""Tests for hwlib.train and the train/ablation/evaluate commands.

Small synthetic sets (one colour per class) keep training cheap; the real-data
smoke runs need HWLIB_DATA. Oracles: the seed's network transcribed as a plain
Sequential, constant-prediction state dicts whose accuracy follows from the
class counts, and hand-computed table entries.
"""
import json
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from hwlib import cli
from hwlib import data as hdata
from hwlib import train as ht
from hwlib.data import SplitData
from hwlib.train import loop as train_loop
from hwlib.train import plots as train_plots
from hwlib.train import precision as train_precision

REAL_SMOKE_LIMIT = 1_000
HELD_OUT = 1_000
CHANCE = 0.1
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def colour_images(labels: torch.Tensor, seed: int) -> torch.Tensor:
    """uint8 (N, 3, 64, 64): a class-specific colour plus noise, easy to learn."""
    g = torch.Generator().manual_seed(seed)
    palette = torch.tensor([[200, 30, 30], [30, 200, 30], [30, 30, 200], [200, 200, 30]])
    base = palette[labels].view(-1, 3, 1, 1).float()
    noise = torch.randn(len(labels), 3, 64, 64, generator=g) * 25
    return (base + noise).clamp(0, 255).to(torch.uint8)


@pytest.fixture(scope="module")
def colours() -> SplitData:
    y_train, y_test = torch.arange(32) % 4, torch.arange(16) % 4
    return SplitData("eurosat", colour_images(y_train, 0), y_train,
                     colour_images(y_test, 1), y_test, ("r", "g", "b", "y"))


def tiny_config(**kw) -> ht.TrainConfig:
    base = dict(dataset="eurosat", bn=True, dropout=0.05, epochs=2, batch_size=8, device="cpu")
    return ht.TrainConfig(**{**base, **kw})


@pytest.fixture(scope="module")
def trained(colours, tmp_path_factory):
    """A BN + dropout CNN trained for two epochs, with its output folder."""
    out = tmp_path_factory.mktemp("run")
    return ht.fit(tiny_config(), colours, out_dir=out, progress=False)


def seed_sequential(bn: bool) -> nn.Sequential:
    """The seed-000 network transcribed from its printout (independent of hwlib.models)."""
    layers, c_in = [], 3
    for c_out in (32, 64, 128, 256, 512):
        layers.append(nn.Conv2d(c_in, c_out, 3, padding=1, bias=not bn))
        layers += [nn.BatchNorm2d(c_out)] if bn else []
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c_out
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(2048, 256), nn.ReLU(), nn.Linear(256, 10))


def independent_accuracy(state: dict, bn: bool, x: torch.Tensor, y: torch.Tensor) -> float:
    """Accuracy of a state dict computed in float64 through the transcribed Sequential."""
    ref = seed_sequential(bn).double()
    names = list(ref.state_dict())
    ref.load_state_dict(dict(zip(names, (v.double() if v.is_floating_point() else v
                                         for v in state.values()))))
    with torch.no_grad():
        pred = ref.eval()(x.double() / 255).argmax(1)
    return (pred == y).double().mean().item()


def expected_credit(acc: float, thresholds=((0.90, 1.0), (0.80, 0.6), (0.5, 0.3))) -> float:
    return next((f for a, f in sorted(thresholds, reverse=True) if acc >= a), 0.0)


def constant_state(bn: bool, label: int) -> dict:
    """A state dict whose network predicts ``label`` for every input."""
    torch.manual_seed(0)
    model = ht.build_model("eurosat", bn=bn)
    last = model.classifier[-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()
        last.bias[label] = 1.0
    return model.state_dict()


def write_jpeg_root(root: Path, counts: dict[str, int]) -> Path:
    """EuroSAT-style folder <root>/eurosat/2750/<Class>/<Class>_<i>.jpg with the given counts."""
    rng = np.random.default_rng(0)
    for c, n in counts.items():
        folder = root / "eurosat" / "2750" / c
        folder.mkdir(parents=True)
        for i in range(1, n + 1):
            Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(folder / f"{c}_{i}.jpg")
    return root


# ------------------------------------------------------------- the loop

def test_fit_is_deterministic(trained, colours):
    """Does a second run with the same seed reproduce the weights and history exactly?"""
    again = ht.fit(tiny_config(), colours, progress=False)
    for (k, a), b in zip(trained.model.state_dict().items(), again.model.state_dict().values()):
        assert torch.equal(a, b), k
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in again.history]
    assert strip == [{k: v for k, v in r.items() if k != "seconds"} for r in trained.history]


def test_seed_changes_the_run(trained, colours):
    """Does a different seed give different weights?"""
    other = ht.fit(tiny_config(seed=1, epochs=1), colours, progress=False)
    w0 = trained.model.features[0].conv.weight
    assert not torch.equal(w0, other.model.features[0].conv.weight)


def test_resume_repeats_the_uninterrupted_run(trained, colours, tmp_path):
    """Does stopping after epoch 1 and resuming to epoch 2 give the uninterrupted run's weights?"""
    ht.fit(tiny_config(epochs=1), colours, out_dir=tmp_path, progress=False)
    resumed = ht.fit(tiny_config(epochs=2), colours, out_dir=tmp_path, resume=True, progress=False)
    assert [r["epoch"] for r in resumed.history] == [1, 2]
    for a, b in zip(trained.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.equal(a, b)


def test_outputs_are_written(trained):
    """Are history (JSON and CSV, one row per epoch), state dict, checkpoint and PNG curves saved?"""
    out = trained.out_dir
    hist = json.loads((out / "history.json").read_text())
    assert [r["epoch"] for r in hist] == [1, 2]
    csv_lines = (out / "history.csv").read_text().strip().splitlines()
    assert csv_lines[0].split(",")[:5] == ["epoch", "train_loss", "train_acc", "test_loss", "test_acc"]
    assert len(csv_lines) == 3
    state = torch.load(out / "model.pt", weights_only=True)
    assert set(state) == set(trained.model.state_dict())
    ckpt = torch.load(out / "checkpoint.pt", weights_only=True)
    assert ckpt["epoch"] == 2 and "optimizer" in ckpt
    assert (out / "curves.png").read_bytes()[:8] == PNG_MAGIC


def test_training_learns_the_colours(trained):
    """Does the loop fit an easy task: test loss falls and accuracy beats chance (0.25)?"""
    hist = trained.history
    assert hist[-1]["test_loss"] < hist[0]["test_loss"] or hist[-1]["test_acc"] == 1.0
    assert hist[-1]["test_acc"] > 0.5


def test_evaluate_matches_independent_network(trained, colours):
    """Does evaluate() report the accuracy the transcribed seed network computes in float64?"""
    _, acc = ht.evaluate(trained.model, colours.x_test, colours.y_test)
    state = trained.model.state_dict()
    assert acc == independent_accuracy(state, True, colours.x_test, colours.y_test)


def test_limit_trains_on_a_stratified_subset(colours):
    """Does --limit N train on exactly N images, the same number from every class here?"""
    res = ht.fit(tiny_config(epochs=1, limit=12), colours, progress=False)
    assert res.n_train == 12


def test_bf16_autocast_runs(colours):
    """Does the AMP (bf16) path train to finite losses?"""
    res = ht.fit(tiny_config(epochs=1, amp=True, limit=16), colours, progress=False)
    assert np.isfinite(res.final["train_loss"]) and np.isfinite(res.final["test_loss"])


# -------------------------------------------------------------- precision

@pytest.fixture
def cpu_caps(monkeypatch):
    """Set what torch reports about the CPU: caps(avx512_bf16=..., amx=..., mkldnn=...)."""
    def caps(avx512_bf16=False, amx=False, mkldnn=True):
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16, raising=False)
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx, raising=False)
        monkeypatch.setattr(torch.backends.mkldnn, "is_available", lambda: mkldnn)
    return caps


def test_auto_picks_bf16_on_a_cpu_with_avx512_bf16(cpu_caps):
    """Does 'auto' pick bf16 autocast on a CPU with AVX512-BF16 and print which flag it saw?"""
    cpu_caps(avx512_bf16=True)
    prec = ht.choose_precision("cpu", "auto")
    assert (prec.name, prec.amp) == ("bf16", True)
    assert prec.describe() == "precision: bf16 autocast (CPU has avx512_bf16)"


def test_auto_names_both_flags_with_amx(cpu_caps):
    """With AMX and AVX512-BF16, does the reason name both?"""
    cpu_caps(avx512_bf16=True, amx=True)
    assert ht.choose_precision("cpu").reason == "CPU has amx_bf16 and avx512_bf16"


@pytest.mark.parametrize("caps", [dict(), dict(avx512_bf16=True, mkldnn=False)])
def test_auto_picks_fp32_without_native_bf16(cpu_caps, caps):
    """Without bf16 instructions (or without oneDNN) does 'auto' fall back to fp32?"""
    cpu_caps(**caps)
    prec = ht.choose_precision("cpu", "auto")
    assert (prec.name, prec.amp) == ("fp32", False)
    assert prec.describe().startswith("precision: fp32 (")


def test_forced_precisions(cpu_caps):
    """Does --precision fp32 win over native bf16, and a forced bf16 without it say it is emulated?"""
    cpu_caps(avx512_bf16=True)
    assert ht.choose_precision("cpu", "fp32").describe() == "precision: fp32 (forced by --precision fp32)"
    cpu_caps()
    forced = ht.choose_precision("cpu", "bf16")
    assert forced.amp and "emulated" in forced.reason
    with pytest.raises(ValueError, match="precision"):
        ht.choose_precision("cpu", "fp16")


def test_cpu_flags_are_read_when_torch_has_no_probe(monkeypatch):
    """Without torch's probes, are /proc/cpuinfo's flags used?"""
    monkeypatch.delattr(torch.cpu, "_is_avx512_bf16_supported", raising=False)
    monkeypatch.setattr(torch.backends.mkldnn, "is_available", lambda: True)
    monkeypatch.setattr(train_precision, "_cpu_flags", lambda: {"sse2", "avx512_bf16"})
    assert ht.native_bf16("cpu") == (True, "CPU has avx512_bf16")
    monkeypatch.setattr(train_precision, "_cpu_flags", lambda: {"sse2", "avx2"})
    assert ht.native_bf16("cpu")[0] is False


def test_cuda_bf16_support_decides_on_gpus(monkeypatch):
    """On CUDA, does torch.cuda.is_bf16_supported() decide?"""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a: "Test GPU")
    for supported, name in ((True, "bf16"), (False, "fp32")):
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, s=supported: s)
        assert ht.choose_precision("cuda", "auto").name == name


def test_fit_records_and_prints_its_precision(colours, cpu_caps, capsys):
    """Does fit resolve 'auto' to the hardware's choice, print it, and honour amp=True / fp32?"""
    cpu_caps()
    res = ht.fit(tiny_config(epochs=1, limit=8), colours, progress=True)
    assert (res.config.precision, res.config.amp) == ("fp32", False)
    assert "precision: fp32 (CPU has neither amx_bf16 nor avx512_bf16)" in capsys.readouterr().err
    cpu_caps(avx512_bf16=True)
    assert ht.fit(tiny_config(epochs=1, limit=8), colours, progress=False).config.amp is True
    res = ht.fit(tiny_config(epochs=1, limit=8, precision="fp32"), colours, progress=False)
    assert (res.config.precision, res.config.amp) == ("fp32", False)


def test_bf16_and_fp32_evaluate_alike(trained, colours):
    """Do bf16 autocast with the fp32 near-tie recheck and fp32 give the same accuracy, loss within 2%?"""
    loss32, acc32 = ht.evaluate(trained.model, colours.x_test, colours.y_test)
    loss16, acc16 = ht.evaluate(trained.model, colours.x_test, colours.y_test, amp=True,
                                recheck=ht.GRADE_RECHECK)
    assert acc16 == acc32 and loss16 == pytest.approx(loss32, rel=0.02)


def test_recheck_decides_near_ties_in_fp32():
    """With every image a near tie, does recheck give exactly fp32's logits (hence its loss)?"""
    torch.manual_seed(0)
    model = ht.build_model("eurosat", bn=True).eval()
    with torch.no_grad():
        model.classifier[-1].weight.mul_(1e-3)  # logits all close: every image is rechecked
    x = torch.randint(0, 256, (6, 3, 64, 64), dtype=torch.uint8)
    y = torch.arange(6) % 10
    loss32, acc32 = ht.evaluate(model, x, y)
    assert ht.evaluate(model, x, y, amp=True, recheck=1.0) == (loss32, acc32)


# ---------------------------------------------------- improved training

def test_dihedral_augment_applies_one_symmetry_per_image():
    """Is every augmented image one of the 8 flips/rotations of its original, all 8 drawn?"""
    torch.manual_seed(0)
    x = torch.randint(0, 256, (400, 3, 8, 8), dtype=torch.uint8)
    out = ht.dihedral_augment(x)
    assert out.dtype == torch.uint8 and out.shape == x.shape
    seen = set()
    for a, b in zip(x, out):
        images = [a.rot90(r, (1, 2)) for r in range(4)] + [a.flip(2).rot90(r, (1, 2)) for r in range(4)]
        matches = [i for i, im in enumerate(images) if torch.equal(im, b)]
        assert matches
        seen.add(matches[0])
    assert seen == set(range(8))


def test_cosine_lr_warms_up_then_decays_to_zero():
    """Linear warm-up to the base lr, half of it midway through the decay, zero at the end?"""
    lr_at = ht.cosine_lr(1e-3, total_steps=110, warmup_steps=10)
    assert lr_at(0) == pytest.approx(1e-4) and lr_at(9) == pytest.approx(1e-3)
    assert lr_at(10) == pytest.approx(1e-3) and lr_at(60) == pytest.approx(5e-4)
    assert lr_at(110) == pytest.approx(0.0, abs=1e-12)
    assert ht.steps_per_epoch(33, 8) == 4 and ht.steps_per_epoch(32, 8) == 4


def test_improved_settings_train_and_follow_the_schedule(colours):
    """Does a run with augmentation, cosine lr, label smoothing and AdamW learn, ending at a tiny lr?"""
    cfg = tiny_config(epochs=3, augment=True, schedule="cosine", warmup_epochs=1,
                      label_smoothing=0.1, optimizer="adamw", weight_decay=0.05)
    res = ht.fit(cfg, colours, progress=False)
    lrs = [r["lr"] for r in res.history]
    assert lrs[0] == pytest.approx(1e-3) and lrs[-1] < 0.05 * lrs[0]  # last step of 12: 3.8%
    assert isinstance(train_loop._optimizer(res.model, res.config, torch.device("cpu")), torch.optim.AdamW)
    assert res.final["test_acc"] > 0.5
    assert "cosine lr after 1 warm-up epoch, flips/90-degree rotations, label smoothing 0.1" in \
        train_plots._run_title(res.config)


def test_resume_needs_the_same_schedule_length():
    """Can a constant-lr run be extended on resume, but not a cosine run of another length?"""
    a = asdict(ht.TrainConfig(epochs=2).resolved())
    assert train_loop._same_run(a, {**a, "epochs": 5})
    c = {**a, "schedule": "cosine"}
    assert train_loop._same_run(c, dict(c)) and not train_loop._same_run(c, {**c, "epochs": 5})


def test_bad_config_raises():
    """Do a zero epoch count and an unknown dataset raise ValueError?"""
    with pytest.raises(ValueError, match="epochs"):
        ht.TrainConfig(epochs=0).resolved()
    with pytest.raises(ValueError, match="dataset"):
        ht.TrainConfig(dataset="mnist").resolved()
    for bad, match in ((dict(precision="fp16"), "precision"), (dict(amp=True, precision="fp32"), "contradicts"),
                       (dict(schedule="step"), "schedule"), (dict(label_smoothing=1.0), "smoothing"),
                       (dict(optimizer="sgd"), "optimizer"), (dict(epochs=2, warmup_epochs=2), "warm-up")):
        with pytest.raises(ValueError, match=match):
            ht.TrainConfig(**bad).resolved()


# ---------------------------------------------------------------- grading

def test_grade_trained_model(trained, colours):
    """Does the credit follow the thresholds for the accuracy the independent network measures?"""
    path = trained.out_dir / "model.pt"
    frac, msg = ht.grade_trained_model(path, data=colours, device="cpu")
    acc = independent_accuracy(torch.load(path, weights_only=True), True,
                               colours.x_test, colours.y_test)
    assert frac == expected_credit(acc)
    assert f"{100 * acc:.2f}%" in msg


@pytest.mark.parametrize("n_first, credit", [(45, 1.0), (40, 0.6), (25, 0.3), (24, 0.0)])
def test_grade_thresholds_on_constant_model(tmp_path, n_first, credit):
    """With a model that always predicts class 0, is credit set by the share of class 0 in test?"""
    # 50 test images: n_first of class 0, the rest of class 1 -> accuracy n_first / 50
    y_test = torch.tensor([0] * n_first + [1] * (50 - n_first))
    split = SplitData("eurosat", torch.zeros(2, 3, 64, 64, dtype=torch.uint8), torch.tensor([0, 1]),
                      torch.zeros(50, 3, 64, 64, dtype=torch.uint8), y_test, ("a", "b"))
    path = tmp_path / "const.pt"
    torch.save(constant_state(bn=False, label=0), path)
    frac, msg = ht.grade_trained_model(path, data=split, device="cpu")
    assert frac == credit and f"{100 * n_first / 50:.2f}%" in msg


def test_grade_missing_file(tmp_path):
    """Does a missing file score 0 with a message naming it?"""
    frac, msg = ht.grade_trained_model(tmp_path / "nothing.pt")
    assert frac == 0.0 and "nothing.pt" in msg and "not found" in msg


def test_grade_names_mismatching_keys(trained, colours, tmp_path):
    """Does a state dict with a missing and an extra key score 0 and name both keys?"""
    state = dict(trained.model.state_dict())
    state.pop("classifier.4.bias")
    state["head.extra"] = torch.zeros(3)
    torch.save(state, tmp_path / "bad.pt")
    frac, msg = ht.grade_trained_model(tmp_path / "bad.pt", data=colours)
    assert frac == 0.0 and "classifier.4.bias" in msg and "head.extra" in msg


def test_grade_names_shape_mismatch(colours, tmp_path):
    """Does a state dict with a wrong layer width score 0 and name the layer and shapes?"""
    state = constant_state(bn=False, label=0)
    state["classifier.1.weight"] = torch.zeros(128, 2048)
    torch.save(state, tmp_path / "narrow.pt")
    frac, msg = ht.grade_trained_model(tmp_path / "narrow.pt", data=colours)
    assert frac == 0.0 and "classifier.1.weight (128, 2048)" in msg


def test_grade_rejects_whole_model_pickle(trained, colours, tmp_path):
    """Does a pickled module (not a state dict) score 0 with a message asking for state_dict()?"""
    torch.save(trained.model, tmp_path / "whole.pt")
    frac, msg = ht.grade_trained_model(tmp_path / "whole.pt", data=colours)
    assert frac == 0.0 and "state_dict" in msg


def test_grade_rejects_non_dict(colours, tmp_path):
    """Does a file holding a plain list score 0 with a message saying it is not a state dict?"""
    torch.save([1, 2, 3], tmp_path / "list.pt")
    frac, msg = ht.grade_trained_model(tmp_path / "list.pt", data=colours)
    assert frac == 0.0 and "not a state dict" in msg


def test_grade_accepts_other_layer_names(trained, colours, tmp_path):
    """Is a state dict with the seed's own layer names (same shapes) graded like ours?"""
    ours = trained.model.state_dict()
    renamed = dict(zip([f"block.{i}.w" for i in range(len(ours))], ours.values()))
    torch.save(renamed, tmp_path / "renamed.pt")
    torch.save(ours, tmp_path / "ours.pt")
    frac_r, msg = ht.grade_trained_model(tmp_path / "renamed.pt", data=colours)
    frac_o, _ = ht.grade_trained_model(tmp_path / "ours.pt", data=colours)
    assert frac_r == frac_o and "by position" in msg


def test_grade_rejects_bad_thresholds(trained):
    """Do thresholds outside [0, 1] raise ValueError?"""
    with pytest.raises(ValueError, match="thresholds"):
        ht.grade_trained_model(trained.out_dir / "model.pt", thresholds=((90, 1.0),))


# -------------------------------------------------------------------- CLI

@pytest.fixture(scope="module")
def jpeg_root(tmp_path_factory):
    """Two classes of 45 and 5 JPEGs: test split has 9 of class 0 and 1 of class 1."""
    return write_jpeg_root(tmp_path_factory.mktemp("data"), {"First": 45, "Second": 5})


def test_cli_evaluate_constant_model(jpeg_root, tmp_path, capsys):
    """Does `evaluate` report 90.00% for an always-class-0 model on a 9:1 test split?"""
    torch.save(constant_state(bn=True, label=0), tmp_path / "c.pt")
    rc = cli.main(["evaluate", "eurosat", "--weights", str(tmp_path / "c.pt"),
                   "--data", str(jpeg_root), "--cache", str(tmp_path / "cache"), "--device", "cpu"])
    out = capsys.readouterr().out
    assert rc == 0 and "test accuracy 90.00%" in out and "BN on" in out


def test_cli_evaluate_fp32_flag(jpeg_root, tmp_path, capsys):
    """Does `evaluate --fp32` evaluate in fp32 and say so?"""
    torch.save(constant_state(bn=True, label=0), tmp_path / "c.pt")
    rc = cli.main(["evaluate", "eurosat", "--weights", str(tmp_path / "c.pt"), "--fp32", "--json",
                   "--data", str(jpeg_root), "--cache", str(tmp_path / "cache"), "--device", "cpu"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0 and res["precision"] == "fp32" and res["accuracy"] == pytest.approx(0.9)


def test_cli_evaluate_missing_data_is_an_error(tmp_path, capsys):
    """Does `evaluate` with a data root lacking EuroSAT exit 2 naming the expected folder?"""
    torch.save(constant_state(bn=False, label=0), tmp_path / "c.pt")
    rc = cli.main(["evaluate", "eurosat", "--weights", str(tmp_path / "c.pt"),
                   "--data", str(tmp_path / "empty"), "--cache", str(tmp_path / "cache")])
    assert rc == 2 and "eurosat/2750" in capsys.readouterr().err


def test_cli_train_writes_run(jpeg_root, tmp_path, capsys):
    """Does `train eurosat --bn --dropout 0.05 --epochs 1` save a loadable state dict of 2,096,682 parameters?"""
    rc = cli.main(["train", "eurosat", "--bn", "--dropout", "0.05", "--epochs", "1",
                   "--batch-size", "16", "--data", str(jpeg_root), "--cache", str(tmp_path / "c"),
                   "--out", str(tmp_path / "runs"), "--no-progress", "--device", "cpu"])
    out = capsys.readouterr().out
    state = torch.load(tmp_path / "runs" / "eurosat-bn-p0.05-wd0" / "model.pt", weights_only=True)
    n = sum(v.numel() for k, v in state.items() if "running" not in k and "num_batches" not in k)
    assert rc == 0 and "2,096,682 parameters" in out and n == 2_096_682


def test_cli_ablation_shortened_run(jpeg_root, tmp_path, capsys):
    """Does a 1-epoch ablation print four rows under a header marking it as not the seed's setting, and save them?"""
    rc = cli.main(["ablation", "eurosat", "--epochs", "1", "--limit", "20", "--batch-size", "10",
                   "--data", str(jpeg_root), "--cache", str(tmp_path / "c"),
                   "--out", str(tmp_path / "runs"), "--no-progress", "--device", "cpu"])
    out = capsys.readouterr().out
    folder = tmp_path / "runs" / "eurosat-ablation"
    rows = json.loads((folder / "table.json").read_text())["rows"]
    assert rc == 0 and "SHORTENED RUN" in out and "1 epoch," in out and "20 training images" in out
    assert [(r["bn"], r["dropout"]) for r in rows] == [(False, 0), (True, 0), (False, 0.05), (True, 0.05)]
    assert sum(line.startswith("| with ") for line in out.splitlines()) == 2
    assert (folder / "table.md").exists() and (folder / "table.csv").exists()
    assert (folder / "curves.png").read_bytes()[:8] == PNG_MAGIC


def test_full_setting_header_names_the_seed():
    """Does the default configuration's header state that it is the seed's setting?"""
    for name in ("eurosat", "fashion-mnist"):
        header = ht.ablation_header(name, ht.TrainConfig(dataset=name))
        assert "seed's setting" in header and "SHORTENED" not in header


def test_fashion_table_layout():
    """Are the four Fashion-MNIST rows printed with accuracy and error in percent?"""
    rows = [{**c, "train_acc": acc, "test_acc": acc - 0.05}
            for c, acc in zip(ht.ablation_configs("fashion-mnist"), (0.9548, 0.93, 0.95, 0.98))]
    table = ht.format_ablation_table(rows, "fashion-mnist")
    lines = [ln for ln in table.splitlines() if ln.startswith("| ")]
    assert len(lines) == 5 and "Weight decay" in lines[0]
    cells = [c.strip() for c in lines[1].strip("|").split("|")]
    assert cells == ["baseline", "no", "no", "no", "95.48", "4.52", "90.48", "9.52"]
    assert [c.strip() for c in lines[2].strip("|").split("|")][2] == "0.5"
    assert [c.strip() for c in lines[3].strip("|").split("|")][3] == "0.0005"


# -------------------------------------------------------- real-data smoke

def held_out(split: SplitData, n: int) -> SplitData:
    """The split with a stratified part of its test set (faster evaluation)."""
    idx = hdata.stratified_subset(split.y_test, n, seed=1)
    return SplitData(split.name, split.x_train, split.y_train, split.x_test[idx],
                     split.y_test[idx], split.classes)


def smoke(split: SplitData, cfg: ht.TrainConfig) -> tuple[float, float, float]:
    """Held-out loss before training, after one epoch, and accuracy after."""
    torch.manual_seed(cfg.seed)
    before, _ = ht.evaluate(ht.build_model(cfg.dataset, cfg.bn, cfg.dropout),
                            split.x_test, split.y_test)
    res = ht.fit(cfg, split, progress=False)
    return before, res.final["test_loss"], res.final["test_acc"]


def test_real_eurosat_smoke(real_root, shared_cache):
    """Does one epoch on 1,000 EuroSAT images lower held-out loss and beat chance clearly (> 30%)?"""
    split = held_out(hdata.load_eurosat(real_root, shared_cache), HELD_OUT)
    cfg = ht.TrainConfig("eurosat", bn=True, dropout=0.0, epochs=1, batch_size=16,
                         limit=REAL_SMOKE_LIMIT, device="cpu")
    before, after, acc = smoke(split, cfg)
    assert after < before and acc > 3 * CHANCE


REFERENCE_MODEL = Path(__file__).resolve().parents[1] / "assignments/samples/hw1/reference/eurosat_model.pt"
PRECISION_SUBSET = 1_000


def test_reference_model_bf16_matches_fp32(shared_cache):
    """On 1,000 fixed EuroSAT test images, do the grader's bf16 and fp32 accuracies of the reference model agree within 0.1 point?"""
    root = os.environ.get("HWLIB_DATA")
    if not root:
        pytest.skip("HWLIB_DATA is not set: fetch EuroSAT with `python -m hwlib data fetch` "
                    "and point HWLIB_DATA at its data root")
    split = held_out(hdata.load_eurosat(root, shared_cache), PRECISION_SUBSET)
    acc = {prec: ht.evaluate_weights(REFERENCE_MODEL, data=split, device="cpu",
                                     precision=prec)["accuracy"] for prec in ("fp32", "bf16")}
    assert abs(acc["bf16"] - acc["fp32"]) <= 0.001 and acc["fp32"] > 0.9


def test_real_fashion_mnist_smoke(real_root):
    """Does one epoch on 2,000 Fashion-MNIST images lower held-out loss and reach > 50%?"""
    split = held_out(hdata.load_fashion_mnist(real_root), HELD_OUT)
    cfg = ht.TrainConfig("fashion-mnist", epochs=1, batch_size=32, limit=2_000, device="cpu")
    before, after, acc = smoke(split, cfg)
    assert after < before and acc > 5 * CHANCE
