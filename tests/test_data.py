"""Tests for hwlib.data: EuroSAT / Fashion-MNIST loading, split and cache.

A tiny EuroSAT-style folder of generated JPEGs always runs; the real-data
tests run when HWLIB_DATA is set (and fail, not skip, if it points nowhere);
unset, they skip naming `python -m hwlib data fetch` (tests/conftest.py).
Oracles: Pillow decoding of each file, directory listings, torchvision's own
datasets and plain counting.
"""
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from hwlib import data as hdata
from hwlib.data import DatasetError

REAL_COUNTS = {"AnnualCrop": 3000, "Forest": 3000, "HerbaceousVegetation": 3000,
               "Highway": 2500, "Industrial": 2500, "Pasture": 2000, "PermanentCrop": 2500,
               "Residential": 3000, "River": 2500, "SeaLake": 3000}
TINY_CLASSES = ("Alpha", "Beta", "Gamma")
TINY_PER_CLASS = (10, 5, 15)


def write_tiny_eurosat(root: Path, classes=TINY_CLASSES, per_class=TINY_PER_CLASS) -> Path:
    """Write <root>/eurosat/2750/<Class>/<Class>_<i>.jpg, 64x64 RGB noise, as torchvision expects."""
    rng = np.random.default_rng(0)
    for c, n in zip(classes, per_class):
        folder = root / "eurosat" / "2750" / c
        folder.mkdir(parents=True)
        for i in range(1, n + 1):
            pixels = rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(folder / f"{c}_{i}.jpg", quality=90)
    return root


def pil_decode(path) -> torch.Tensor:
    """Oracle: Pillow's RGB decode as a (3, H, W) uint8 tensor."""
    with Image.open(path) as im:
        return torch.from_numpy(np.asarray(im.convert("RGB")).copy()).permute(2, 0, 1)


def listing(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*"))


@pytest.fixture
def tiny(tmp_path):
    return write_tiny_eurosat(tmp_path / "data"), tmp_path / "cache"


@pytest.fixture(scope="session")
def real_eurosat(real_root, shared_cache):
    return hdata.load_eurosat(real_root, shared_cache)


@pytest.fixture(scope="session")
def real_fashion(real_root):
    return hdata.load_fashion_mnist(real_root)


# ------------------------------------------------------------ tiny folder

def test_tiny_images_equal_pillow_decode(tiny):
    """Does every cached image equal Pillow's decode of its JPEG, with the folder's label?"""
    root, cache = tiny
    d = hdata.load_eurosat(root, cache)
    x = torch.cat([d.x_train, d.x_test])
    y = torch.cat([d.y_train, d.y_test])
    files = sorted(p for p in (root / "eurosat" / "2750").rglob("*.jpg"))
    by_label = {c: [pil_decode(f) for f in files if f.parent.name == c] for c in TINY_CLASSES}
    assert d.classes == TINY_CLASSES
    for label, c in enumerate(TINY_CLASSES):
        # The same multiset of images per class (the split reorders them).
        ours = sorted(img.numpy().tobytes() for img in x[y == label])
        ref = sorted(img.numpy().tobytes() for img in by_label[c])
        assert ours == ref


def test_tiny_split_is_80_20_per_class(tiny):
    """Are 20% of each class (rounded) in the test part and the rest in train?"""
    root, cache = tiny
    d = hdata.load_eurosat(root, cache)
    assert d.y_train.bincount().tolist() == [n - round(0.2 * n) for n in TINY_PER_CLASS]
    assert d.y_test.bincount().tolist() == [round(0.2 * n) for n in TINY_PER_CLASS]


def test_tiny_shapes_and_dtypes(tiny):
    """Are images uint8 (N, 3, 64, 64) and labels int64 (N,)?"""
    root, cache = tiny
    d = hdata.load_eurosat(root, cache)
    assert d.x_train.dtype == torch.uint8 and d.x_train.shape[1:] == (3, 64, 64)
    assert d.y_train.dtype == torch.int64 and d.y_train.shape == (len(d.x_train),)


def test_cache_written_outside_data_root(tiny):
    """Is the cache written in the cache dir while the data root stays untouched?"""
    root, cache = tiny
    before = listing(root)
    hdata.load_eurosat(root, cache)
    assert listing(root) == before
    assert hdata.eurosat_cache_path(root, cache).is_file()


def test_second_load_does_not_decode(tiny, monkeypatch):
    """Does a second load read the cache instead of decoding any JPEG?"""
    root, cache = tiny
    first = hdata.load_eurosat(root, cache)

    def no_decode(path):
        raise AssertionError(f"decoded {path} although a cache exists")

    monkeypatch.setattr(hdata, "_decode_jpeg", no_decode)
    second = hdata.load_eurosat(root, cache)
    assert torch.equal(first.x_train, second.x_train) and torch.equal(first.y_test, second.y_test)


def test_corrupt_cache_is_rebuilt(tiny):
    """Does a garbage cache file get replaced by a correct decode?"""
    root, cache = tiny
    good = hdata.load_eurosat(root, cache)
    path = hdata.eurosat_cache_path(root, cache)
    path.write_bytes(b"not a torch file")
    again = hdata.load_eurosat(root, cache)
    assert torch.equal(good.x_train, again.x_train)


def test_cache_key_follows_the_files(tiny):
    """Does adding an image change the cache file, so a stale cache is never used?"""
    root, cache = tiny
    before = hdata.eurosat_cache_path(root, cache)
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(root / "eurosat/2750/Beta/Beta_99.jpg")
    assert hdata.eurosat_cache_path(root, cache) != before
    assert len(hdata.load_eurosat(root, cache).y_test) == sum(round(0.2 * n) for n in (10, 6, 15))


def test_cache_dir_from_environment(tiny, monkeypatch):
    """Is HWLIB_CACHE used when no cache dir is passed?"""
    root, cache = tiny
    monkeypatch.setenv("HWLIB_CACHE", str(cache / "from-env"))
    hdata.load_eurosat(root)
    assert list((cache / "from-env").glob("eurosat-*.pt"))


def test_missing_root_names_path(tmp_path):
    """Does a root without eurosat/2750 raise DatasetError naming the expected folder?"""
    missing = tmp_path / "nowhere"
    with pytest.raises(DatasetError, match=r"nowhere.*eurosat.*2750") as err:
        hdata.load_eurosat(missing, tmp_path / "cache")
    assert "python -m hwlib data fetch eurosat --to DIR" in str(err.value)


def test_missing_fashion_mnist_names_path(tmp_path):
    """Does a root without Fashion-MNIST raise DatasetError naming the raw folder and files?"""
    with pytest.raises(DatasetError, match=r"FashionMNIST.raw.*train-images-idx3-ubyte") as err:
        hdata.load_fashion_mnist(tmp_path)
    assert "python -m hwlib data fetch fashion-mnist --to DIR" in str(err.value)


def test_no_root_at_all(monkeypatch):
    """Does loading with neither --data nor HWLIB_DATA raise a message naming both and the
    command that downloads the data?"""
    monkeypatch.delenv("HWLIB_DATA", raising=False)
    with pytest.raises(DatasetError, match="--data DIR or set HWLIB_DATA") as err:
        hdata.data_root(None)
    assert "python -m hwlib data fetch all --to DIR" in str(err.value)


def test_corrupt_jpeg_names_file(tiny):
    """Does a truncated JPEG raise DatasetError naming that file?"""
    root, cache = tiny
    bad = root / "eurosat" / "2750" / "Gamma" / "Gamma_7.jpg"
    bad.write_bytes(bad.read_bytes()[:40])
    with pytest.raises(DatasetError, match="Gamma_7.jpg"):
        hdata.load_eurosat(root, cache)


def test_wrong_image_size_names_file(tiny):
    """Does a JPEG that is not 64x64 raise DatasetError naming the file and the size?"""
    root, cache = tiny
    odd = root / "eurosat" / "2750" / "Alpha" / "Alpha_3.jpg"
    Image.fromarray(np.zeros((32, 48, 3), np.uint8)).save(odd)
    with pytest.raises(DatasetError, match=r"Alpha_3.jpg.*64x64"):
        hdata.load_eurosat(root, cache)


# ---------------------------------------------------------- split helpers

def test_stratified_split_partitions_each_class():
    """Is the split a partition with round(0.2 n_c) test items of every class?"""
    labels = torch.from_numpy(np.random.default_rng(3).integers(0, 7, size=1000))
    train, test = hdata.stratified_split(labels)
    assert sorted(train.tolist() + test.tolist()) == list(range(1000))
    counts = np.bincount(labels.numpy(), minlength=7)
    assert np.bincount(labels[test].numpy(), minlength=7).tolist() == [round(0.2 * n) for n in counts]


def test_stratified_split_is_deterministic():
    """Do equal seeds give equal splits and different seeds different ones?"""
    labels = torch.arange(500) % 10
    a, b = hdata.stratified_split(labels, seed=0), hdata.stratified_split(labels, seed=0)
    c = hdata.stratified_split(labels, seed=1)
    assert torch.equal(a[1], b[1]) and not torch.equal(a[1], c[1])


def test_stratified_subset_quotas():
    """Does the subset have n distinct items with every class within one of its proportional share?"""
    labels = torch.tensor([0] * 300 + [1] * 200 + [2] * 100 + [3] * 7)
    idx = hdata.stratified_subset(labels, 100, seed=5)
    assert len(idx) == 100 == len(set(idx.tolist()))
    share = np.bincount(labels.numpy()) * 100 / len(labels)
    got = np.bincount(labels[idx].numpy(), minlength=4)
    assert np.all(np.abs(got - share) < 1)


def test_stratified_subset_rejects_bad_size():
    """Does asking for more items than exist raise ValueError?"""
    with pytest.raises(ValueError, match="subset size"):
        hdata.stratified_subset(torch.zeros(10, dtype=torch.long), 11)


# -------------------------------------------------------------- real data

def test_real_eurosat_class_counts(real_root):
    """Does torchvision's index of the real root hold the 27,000 images with the published class counts?"""
    import torchvision

    ds = torchvision.datasets.EuroSAT(root=str(real_root), download=False)
    counts = dict(zip(ds.classes, np.bincount(ds.targets).tolist()))
    assert counts == REAL_COUNTS


def test_real_eurosat_split_sizes(real_eurosat):
    """Is the real split 21,600/5,400 with exactly 80/20 inside every class?"""
    d = real_eurosat
    assert (len(d.y_train), len(d.y_test)) == (21_600, 5_400)
    n = np.array(list(REAL_COUNTS.values()))
    assert d.y_train.bincount().tolist() == (n * 4 // 5).tolist()
    assert d.y_test.bincount().tolist() == (n // 5).tolist()
    assert d.classes == tuple(REAL_COUNTS)


def test_real_eurosat_shapes(real_eurosat):
    """Are the real images uint8 tensors of shape (N, 3, 64, 64)?"""
    assert real_eurosat.x_train.shape == (21_600, 3, 64, 64)
    assert real_eurosat.x_test.shape == (5_400, 3, 64, 64)
    assert real_eurosat.x_train.dtype == torch.uint8


def test_real_eurosat_is_deterministic(real_eurosat, real_root, shared_cache):
    """Does loading again (from the cache) give the identical split, element for element?"""
    again = hdata.load_eurosat(real_root, shared_cache)
    assert torch.equal(again.y_train, real_eurosat.y_train)
    assert torch.equal(again.x_test, real_eurosat.x_test)


def test_real_eurosat_pixels_match_files(real_eurosat, real_root):
    """Do sampled cached images equal Pillow's decode of their JPEG (located via the split)?"""
    import torchvision

    ds = torchvision.datasets.EuroSAT(root=str(real_root), download=False)
    _, test_idx = hdata.stratified_split(torch.tensor(ds.targets))
    for j in (0, 1234, 5399):
        path, label = ds.samples[test_idx[j]]
        assert torch.equal(real_eurosat.x_test[j], pil_decode(path))
        assert real_eurosat.y_test[j].item() == label


def test_real_fashion_mnist(real_fashion, real_root):
    """Is Fashion-MNIST 60,000/10,000 uint8 28x28 with 6,000/1,000 per class and torchvision's pixels?"""
    import torchvision

    d = real_fashion
    assert d.x_train.shape == (60_000, 1, 28, 28) and d.x_test.shape == (10_000, 1, 28, 28)
    assert d.y_train.bincount().tolist() == [6000] * 10
    assert d.y_test.bincount().tolist() == [1000] * 10
    img, label = torchvision.datasets.FashionMNIST(str(real_root / "fashion-mnist"), train=False)[17]
    assert torch.equal(d.x_test[17, 0], torch.from_numpy(np.array(img)))
    assert d.y_test[17].item() == label
