"""Datasets of the training experiments: EuroSAT (RGB) and Fashion-MNIST.

Both are read through ``torchvision.datasets`` from a local, read-only data
root (``--data`` flag or the ``HWLIB_DATA`` environment variable), which
``python -m hwlib data fetch all --to DIR`` downloads and verifies
(:mod:`hwlib.fetch`)::

    <root>/eurosat/2750/<Class>/*.jpg                       EuroSAT(root=<root>)
    <root>/fashion-mnist/FashionMNIST/raw/*-ubyte            FashionMNIST(root=<root>/fashion-mnist)

Images are returned as uint8 tensors of shape ``(N, C, H, W)`` (EuroSAT
``(N, 3, 64, 64)``, Fashion-MNIST ``(N, 1, 28, 28)``) with int64 labels of
shape ``(N,)``; the training loop converts batches to float in ``[0, 1]`` on
the fly. EuroSAT's JPEGs are decoded once and kept as a uint8 cache file in
the cache directory (``--cache`` flag, ``HWLIB_CACHE``, default
``~/.cache/hwlib``); nothing is ever written under the data root.

EuroSAT has no official split. Ours (:func:`stratified_split`): for each
class in sorted order, the indices of that class (in torchvision's sorted
file order) are shuffled by one ``numpy.random.default_rng(0)`` stream and
the first 20% (rounded) go to the test set. That gives 21,600 training and
5,400 test images, exactly 80/20 within every class.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

__all__ = ["DatasetError", "SplitData", "data_root", "cache_dir",
           "load_eurosat", "load_fashion_mnist", "load_dataset",
           "stratified_split", "stratified_subset", "eurosat_cache_path",
           "EUROSAT_CLASSES", "EUROSAT_SIZE"]

EUROSAT_CLASSES = ("AnnualCrop", "Forest", "HerbaceousVegetation", "Highway",
                   "Industrial", "Pasture", "PermanentCrop", "Residential",
                   "River", "SeaLake")
EUROSAT_SIZE = 64
TEST_FRACTION = 0.2
SPLIT_SEED = 0
# Bump when the cache file layout changes so stale caches are rebuilt.
_CACHE_VERSION = 1
# How to get the data, named by every missing-data error.
FETCH_HINT = "download it with: python -m hwlib data fetch {what} --to DIR, then set HWLIB_DATA=DIR"


class DatasetError(ValueError):
    """A data root or data file that is missing, corrupt or laid out wrongly."""


@dataclass
class SplitData:
    """A train/test pair of uint8 image tensors with int64 labels.

    x_train: uint8 tensor (N_train, C, H, W); y_train: int64 (N_train,);
    x_test, y_test likewise; classes: class names, index = label.
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[str, ...]

    def to(self, device: torch.device | str) -> "SplitData":
        """The same split with all four tensors moved to ``device``."""
        return SplitData(self.name, self.x_train.to(device), self.y_train.to(device),
                         self.x_test.to(device), self.y_test.to(device), self.classes)


def data_root(path: str | os.PathLike | None = None) -> Path:
    """The data root: ``path`` if given, else ``$HWLIB_DATA``; raises if neither is set."""
    if path is None:
        path = os.environ.get("HWLIB_DATA") or None
    if path is None:
        raise DatasetError("no data root given: pass --data DIR or set HWLIB_DATA "
                           "(DIR holds eurosat/2750/<Class>/*.jpg and "
                           "fashion-mnist/FashionMNIST/raw/); "
                           + FETCH_HINT.format(what="all"))
    return Path(path).expanduser()


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """The cache directory: ``path``, else ``$HWLIB_CACHE``, else ``~/.cache/hwlib``."""
    if path is None:
        path = os.environ.get("HWLIB_CACHE") or "~/.cache/hwlib"
    return Path(path).expanduser()


def stratified_split(labels: torch.Tensor, test_fraction: float = TEST_FRACTION,
                     seed: int = SPLIT_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-class random split of indices into train and test.

    labels: int tensor of shape (N,). For each class c in increasing order,
    its indices are permuted by one shared ``numpy.random.default_rng(seed)``
    and the first ``round(test_fraction * n_c)`` go to test. Returns
    ``(train_idx, test_idx)``, each sorted, int64.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test_fraction * len(idx)))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return (torch.from_numpy(np.sort(np.concatenate(train))).long(),
            torch.from_numpy(np.sort(np.concatenate(test))).long())


def stratified_subset(labels: torch.Tensor, n: int, seed: int = 0) -> torch.Tensor:
    """Indices of ``n`` samples drawn per class in proportion to the class sizes.

    labels: int tensor of shape (N,). Class quotas are ``n * n_c / N`` rounded
    down, the leftover going to the classes with the largest remainders; the
    members of each class are a ``numpy.random.default_rng(seed)`` draw.
    Returns a sorted int64 tensor of shape (n,).
    """
    y = np.asarray(labels)
    if not 0 < n <= len(y):
        raise ValueError(f"subset size must be in 1..{len(y)}, got {n}")
    classes, counts = np.unique(y, return_counts=True)
    exact = n * counts / len(y)
    quota = np.floor(exact).astype(int)
    # Largest remainder; ties broken by class order (stable sort).
    for i in np.argsort(-(exact - quota), kind="stable")[: n - quota.sum()]:
        quota[i] += 1
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), size=q, replace=False)
             for c, q in zip(classes, quota)]
    return torch.from_numpy(np.sort(np.concatenate(picks))).long()


# ---------------------------------------------------------------- EuroSAT

def _eurosat_folder(root: Path):
    """torchvision's EuroSAT index of ``root`` (no decoding), or a clear error."""
    import torchvision

    folder = root / "eurosat" / "2750"
    if not folder.is_dir():
        raise DatasetError(f"EuroSAT not found: expected the folder {folder} "
                           "holding one sub-folder of *.jpg per class "
                           "(layout <root>/eurosat/2750/<Class>/<Class>_<n>.jpg); "
                           + FETCH_HINT.format(what="eurosat"))
    try:
        return torchvision.datasets.EuroSAT(root=str(root), download=False)
    except (FileNotFoundError, RuntimeError) as exc:
        raise DatasetError(f"EuroSAT folder {folder} is not usable: {exc}") from exc


def _fingerprint(samples: list[tuple[str, int]], base: Path) -> str:
    """Hash of the relative path, size and mtime of every file (cache key)."""
    h = hashlib.sha256(f"v{_CACHE_VERSION}".encode())
    for path, label in samples:
        st = os.stat(path)
        rel = os.path.relpath(path, base)
        h.update(f"{rel}\0{label}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def _decode_jpeg(path: str) -> np.ndarray:
    """Decode one EuroSAT JPEG with Pillow to uint8 (64, 64, 3); raises DatasetError naming the file."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            pixels = np.asarray(im.convert("RGB"))
    except (OSError, ValueError, SyntaxError) as exc:  # PIL's errors for bad/truncated files
        raise DatasetError(f"cannot decode {path} as an image "
                           f"(corrupt or not a JPEG): {exc}") from exc
    if pixels.shape != (EUROSAT_SIZE, EUROSAT_SIZE, 3):
        raise DatasetError(f"{path} decodes to {pixels.shape[1]}x{pixels.shape[0]} pixels; "
                           f"expected a {EUROSAT_SIZE}x{EUROSAT_SIZE} RGB image")
    return pixels


@contextlib.contextmanager
def _file_lock(path: Path):
    """Exclusive advisory lock on ``path`` (POSIX); a no-op where fcntl is missing."""
    try:
        import fcntl
    except ImportError:  # Windows: parallel builders just race, writes are atomic
        yield
        return
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _atomic_save(obj, path: Path) -> None:
    """torch.save to a temp file in the same folder, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_cache(path: Path, n: int):
    """Load a cache file; None when it is absent, unreadable or inconsistent."""
    if not path.exists():
        return None
    try:
        blob = torch.load(path, weights_only=True)
        images, labels = blob["images"], blob["labels"]
        ok = (images.dtype == torch.uint8 and tuple(images.shape) == (n, 3, EUROSAT_SIZE, EUROSAT_SIZE)
              and labels.shape == (n,))
    except Exception:  # a truncated or foreign file: rebuild it
        return None
    return (images, labels, tuple(blob["classes"])) if ok else None


def _cache_file(ds, cache) -> Path:
    """Cache file name for an indexed EuroSAT folder, keyed by its file list."""
    key = _fingerprint(ds.samples, Path(ds.root) / "eurosat" / "2750")
    return cache_dir(cache) / f"eurosat-{key}.pt"


def eurosat_cache_path(root: str | os.PathLike | None = None,
                       cache: str | os.PathLike | None = None) -> Path:
    """Where the decoded uint8 EuroSAT tensor for this root lives (keyed by file list)."""
    return _cache_file(_eurosat_folder(data_root(root)), cache)


def _eurosat_all(root: str | os.PathLike | None, cache: str | os.PathLike | None,
                 progress: bool) -> tuple[torch.Tensor, torch.Tensor, tuple[str, ...]]:
    """Every EuroSAT image as uint8 (N, 3, 64, 64), labels (N,), class names; cached."""
    ds = _eurosat_folder(data_root(root))
    if not ds.samples:
        raise DatasetError(f"no *.jpg files under {Path(ds.root) / 'eurosat' / '2750'}")
    path = _cache_file(ds, cache)
    n = len(ds.samples)
    hit = _read_cache(path, n)
    if hit is not None:
        return hit
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock makes a second process (e.g. another pytest-xdist worker) wait
    # for the first decode and then read its file instead of decoding again.
    with _file_lock(path.with_suffix(".lock")):
        hit = _read_cache(path, n)
        if hit is not None:
            return hit
        from tqdm.auto import tqdm

        hwc = np.empty((n, EUROSAT_SIZE, EUROSAT_SIZE, 3), dtype=np.uint8)
        files = tqdm(ds.samples, desc="decoding EuroSAT (once)", unit="img",
                     disable=not progress, leave=False)
        for i, (file, _) in enumerate(files):
            hwc[i] = _decode_jpeg(file)
        images = torch.from_numpy(hwc).permute(0, 3, 1, 2).contiguous()  # NCHW
        labels = torch.tensor(ds.targets, dtype=torch.long)
        _atomic_save({"images": images, "labels": labels, "classes": list(ds.classes)}, path)
    return images, labels, tuple(ds.classes)


def load_eurosat(root: str | os.PathLike | None = None, cache: str | os.PathLike | None = None,
                 progress: bool = False) -> SplitData:
    """EuroSAT RGB as uint8 tensors with the fixed stratified 80/20 split.

    root: data root holding ``eurosat/2750`` (default ``$HWLIB_DATA``);
    cache: cache directory (default ``$HWLIB_CACHE`` or ``~/.cache/hwlib``).
    Returns a :class:`SplitData` with x of shape (N, 3, 64, 64).
    """
    images, labels, classes = _eurosat_all(root, cache, progress)
    train_idx, test_idx = stratified_split(labels)
    return SplitData("eurosat", images[train_idx], labels[train_idx],
                     images[test_idx], labels[test_idx], classes)


# ----------------------------------------------------------- Fashion-MNIST

def load_fashion_mnist(root: str | os.PathLike | None = None, cache=None,
                       progress: bool = False) -> SplitData:
    """Fashion-MNIST's official split as uint8 tensors of shape (N, 1, 28, 28).

    root: data root holding ``fashion-mnist/FashionMNIST/raw`` (default
    ``$HWLIB_DATA``). The idx files are already raw uint8, so no cache is
    needed (``cache`` and ``progress`` are accepted for a uniform signature).
    """
    import torchvision

    base = data_root(root) / "fashion-mnist"
    raw = base / "FashionMNIST" / "raw"
    parts = []
    for train in (True, False):
        try:
            ds = torchvision.datasets.FashionMNIST(root=str(base), train=train, download=False)
        except (RuntimeError, FileNotFoundError, ValueError, AssertionError) as exc:
            raise DatasetError(
                f"Fashion-MNIST not found or unreadable under {raw}: expected the "
                "uncompressed idx files train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                f"t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte ({exc}); "
                + FETCH_HINT.format(what="fashion-mnist")) from exc
        parts += [ds.data.unsqueeze(1).contiguous(), ds.targets.long()]
    return SplitData("fashion-mnist", *parts, classes=tuple(ds.classes))


def load_dataset(name: str, root=None, cache=None, progress: bool = False) -> SplitData:
    """Load 'eurosat' or 'fashion-mnist' as a :class:`SplitData`."""
    loaders = {"eurosat": load_eurosat, "fashion-mnist": load_fashion_mnist}
    if name not in loaders:
        raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(loaders)}")
    return loaders[name](root, cache, progress=progress)
