"""``python -m hwlib data fetch``: download the course's data sets and verify them.

::

    python -m hwlib data fetch [eurosat|fashion-mnist|all] [--to DIR] [--mirror URL_OR_DIR]
    python -m hwlib data verify [eurosat|fashion-mnist|all] [--to DIR]

Each data set comes from its official source (the addresses torchvision's
``EuroSAT`` and ``FashionMNIST`` download from) or from ``--mirror``, a base
URL or a local folder holding the same file names. What a fetch does:

1. download every archive to ``DIR/.downloads/<name>.part``, resuming an
   interrupted transfer with an HTTP ``Range`` request (a second run, or one
   of the automatic retries, continues where the last one stopped), with a
   tqdm progress bar;
2. check the archive against its published checksums (MD5 as torchvision
   publishes it; SHA-256 where known, see below); a mismatch deletes the file
   and raises :class:`ChecksumError` before anything is unpacked;
3. unpack into a temporary sibling folder, check the SHA-256 of every
   unpacked file against the course's copy, and only then rename the folder
   into the place the loaders read (:mod:`hwlib.data`)::

       DIR/eurosat/2750/<Class>/<Class>_<n>.jpg
       DIR/fashion-mnist/FashionMNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte

   A failure at any step leaves no target folder behind (a partly unpacked
   data set is never visible to the loaders).

About the checksums. The official archives' SHA-256 sums are not published
and could not be measured here (no internet on the machines this was written
on), so the archive check is the MD5 that torchvision publishes for each
archive (``Download.sha256`` stays ``None`` until someone records it). The
strong check is on the unpacked files: SHA-256 of each Fashion-MNIST idx file
and, for EuroSAT's 27,000 JPEGs, the SHA-256 of their ``sha256sum``-style
listing (``<sha256>  2750/<Class>/<file>`` lines in byte order), which is the
``SHA256SUMS`` of the course's verified copy. This module needs no torch.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Download", "Dataset", "MANIFEST", "FetchError", "ChecksumError",
           "DownloadInterrupted", "fetch", "fetch_all", "verify", "tree_digest",
           "missing_parts", "FETCH_COMMAND"]

FETCH_COMMAND = "python -m hwlib data fetch all --to DIR"
DOWNLOADS = ".downloads"
CHUNK = 1 << 16
USER_AGENT = "hwlib-data-fetch/0.1 (+python urllib)"


class FetchError(RuntimeError):
    """A download or unpack that did not give a verified data set."""


class ChecksumError(FetchError):
    """An archive or unpacked file whose checksum differs from the manifest."""


class DownloadInterrupted(FetchError):
    """A transfer that stopped early; the ``.part`` file is kept for resuming."""


@dataclass(frozen=True)
class Download:
    """One archive: its file name (on the server and in a mirror), official URL, checksums.

    md5 / sha256: of the archive as served (None: not known, not checked).
    At least one must be set for an archive to be trusted before unpacking.
    """

    filename: str
    url: str
    md5: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A data set: archives, where it lands under the root, how its content is checked.

    target: folder under the root that the loaders read, created atomically.
    kind: ``"zip"`` (one zip whose top folder is ``target``'s last part) or
    ``"gz"`` (each download is a gzip of one file placed in ``target``).
    files: name in ``target`` -> SHA-256 of its content (``gz`` data sets).
    tree_sha256 / tree_count: SHA-256 of the ``sha256sum`` listing of every
    file under ``target`` (paths relative to ``target``'s parent, byte
    order) and the number of files (``zip`` data sets).
    """

    name: str
    downloads: tuple[Download, ...]
    target: str
    kind: str
    files: dict[str, str] = field(default_factory=dict)
    tree_sha256: str | None = None
    tree_count: int | None = None


EUROSAT = Dataset(
    name="eurosat",
    # torchvision.datasets.EuroSAT's address and md5 (torchvision 0.29); the
    # archive's SHA-256 is not published: see the module docstring.
    downloads=(Download(
        "EuroSAT.zip",
        "https://huggingface.co/datasets/torchgeo/eurosat/resolve/"
        "c877bcd43f099cd0196738f714544e355477f3fd/EuroSAT.zip",
        md5="c8fa014336c82ac7804f0398fcb19387"),),
    target="eurosat/2750",
    kind="zip",
    # sha256 of the course copy's SHA256SUMS (27,000 lines "<sha256>  2750/<Class>/<file>")
    tree_sha256="c818cd71e9d477335c432a1d6a34b2efd6b94e17e760b3abe9c00149345d5c7b",
    tree_count=27_000,
)

_FMNIST_BASE = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
FASHION_MNIST = Dataset(
    name="fashion-mnist",
    # zalando's files at the address torchvision.datasets.FashionMNIST uses, with
    # torchvision's md5 of each .gz (the labels' equal the md5s in zalando's repository).
    downloads=tuple(Download(f"{stem}.gz", _FMNIST_BASE + f"{stem}.gz", md5=md5) for stem, md5 in (
        ("train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310"))),
    target="fashion-mnist/FashionMNIST/raw",
    kind="gz",
    # SHA-256 of the uncompressed idx files (the course copy, byte-identical to the originals)
    files={
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
)

MANIFEST: dict[str, Dataset] = {d.name: d for d in (EUROSAT, FASHION_MNIST)}


# ------------------------------------------------------------------ checksums

def file_digest(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_digest(folder: Path) -> tuple[str, int]:
    """(SHA-256 of the ``sha256sum`` listing of every file under ``folder``, file count).

    Lines are ``<sha256>  <folder name>/<relative path>`` sorted by their
    UTF-8 bytes (``LC_ALL=C sort``), each ending in a newline.
    """
    folder = Path(folder)
    rels = sorted((f"{folder.name}/{p.relative_to(folder).as_posix()}"
                   for p in folder.rglob("*") if p.is_file()), key=str.encode)
    h = hashlib.sha256()
    for rel in rels:
        h.update(f"{file_digest(folder.parent / rel)}  {rel}\n".encode())
    return h.hexdigest(), len(rels)


def _check_archive(path: Path, item: Download) -> None:
    """Raise ChecksumError (and delete the file) when the archive is not the published one."""
    for algorithm in ("md5", "sha256"):
        want = getattr(item, algorithm)
        if want is None:
            continue
        got = file_digest(path, algorithm)
        if got != want.lower():
            path.unlink()
            raise ChecksumError(
                f"{item.filename}: {algorithm} {got} differs from the published {want}; "
                "the file was deleted (a corrupt download or a wrong mirror); fetch again")
    if item.md5 is None and item.sha256 is None:
        raise ChecksumError(f"{item.filename}: the manifest gives no checksum for this archive")


def _content_problems(ds: Dataset, folder: Path) -> list[str]:
    """What differs between an unpacked ``folder`` and the manifest (empty: it verifies)."""
    problems = []
    if ds.files:
        present = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        for name, want in sorted(ds.files.items()):
            if name not in present:
                problems.append(f"{name} is missing")
            elif file_digest(folder / name) != want:
                problems.append(f"{name}: SHA-256 differs from the manifest")
    if ds.tree_sha256 is not None:
        digest, count = tree_digest(folder)
        if ds.tree_count is not None and count != ds.tree_count:
            problems.append(f"{count} files instead of {ds.tree_count}")
        elif digest != ds.tree_sha256:
            problems.append(f"SHA-256 of the file listing is {digest}, not {ds.tree_sha256} "
                            "(some file's content or name differs)")
    return problems


def missing_parts(root: Path, names=None, manifest=None) -> list[str]:
    """Cheap layout check of a data root (no hashing): what the loaders would miss."""
    manifest = manifest or MANIFEST
    out = []
    for name in names or manifest:
        ds = manifest[name]
        target = Path(root) / ds.target
        if not target.is_dir():
            out.append(f"{name}: no folder {target}")
        elif ds.files:
            out += [f"{name}: no file {target / f}" for f in ds.files if not (target / f).is_file()]
        elif not any(target.iterdir()):
            out.append(f"{name}: {target} is empty")
    return out


# ------------------------------------------------------------------- transfer

def _source(item: Download, mirror: str | None) -> str:
    """URL or local path of ``item``: the official URL, or the same file name under the mirror."""
    if mirror is None:
        return item.url
    if "://" not in mirror or mirror.startswith("file://"):
        base = urllib.parse.urlparse(mirror).path if mirror.startswith("file://") else mirror
        return str(Path(base).expanduser() / item.filename)
    return mirror.rstrip("/") + "/" + urllib.parse.quote(item.filename)


def _bar(total, initial, desc, progress):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit="B", unit_scale=True,
                unit_divisor=1024, disable=not progress, leave=False, file=sys.stderr)


def _http_once(url: str, part: Path, desc: str, progress: bool, timeout: float) -> None:
    """One attempt: GET ``url`` into ``part``, from its current size on (Range)."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # nothing left to send: the .part is complete
            return
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadInterrupted(f"{url}: {getattr(exc, 'reason', exc)}") from exc
    with response:
        if have and response.status == 206:
            mode = "ab"
            start = int(response.headers.get("Content-Range", f"bytes {have}-").split()[1]
                        .split("-")[0])
            if start != have:
                raise FetchError(f"{url}: asked for bytes from {have}, the server sent from {start}")
        else:  # 200: the server ignores Range; start over
            mode, have = "wb", 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        received = have
        with open(part, mode) as out, _bar(total, have, desc, progress) as bar:
            try:
                while True:
                    block = response.read(CHUNK)
                    if not block:
                        break
                    out.write(block)
                    received += len(block)
                    bar.update(len(block))
            except (http.client.IncompleteRead, OSError) as exc:
                raise DownloadInterrupted(
                    f"{url}: the transfer stopped after {received:,} bytes ({exc})") from exc
        if total is not None and received < total:
            raise DownloadInterrupted(f"{url}: the transfer stopped after {received:,} of "
                                      f"{total:,} bytes")


def _download(item: Download, downloads: Path, mirror: str | None, progress: bool,
              retries: int, timeout: float) -> Path:
    """The archive at ``downloads/<filename>``, checked; resumes a ``.part`` left before."""
    downloads.mkdir(parents=True, exist_ok=True)
    final = downloads / item.filename
    if final.is_file():
        try:
            _check_archive(final, item)
            return final
        except ChecksumError:
            pass  # deleted: download again
    part = downloads / (item.filename + ".part")
    source = _source(item, mirror)
    if "://" not in source:  # a local mirror folder
        if not Path(source).is_file():
            raise FetchError(f"the mirror has no {item.filename} (looked for {source})")
        shutil.copyfile(source, part)
    else:
        for attempt in range(retries + 1):
            try:
                _http_once(source, part, item.filename, progress, timeout)
                break
            except DownloadInterrupted as exc:
                if attempt == retries:
                    raise DownloadInterrupted(
                        f"{exc}; {part.stat().st_size if part.exists() else 0:,} bytes are "
                        f"kept in {part}: run the same command again to resume") from exc
                print(f"{exc}; resuming ({attempt + 1}/{retries})", file=sys.stderr)
                time.sleep(min(2.0 ** attempt, 10.0) * 0.1)
    os.replace(part, final)
    _check_archive(final, item)
    return final


# --------------------------------------------------------------------- unpack

def _unpack_zip(archive: Path, into: Path, top: str) -> None:
    """Extract the regular files under ``top/`` of ``archive`` into ``into`` (no path escapes)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = info.filename
                parts = Path(name).parts
                if name.startswith("/") or ".." in parts or "\\" in name:
                    raise ChecksumError(f"{archive.name}: refusing the member {name!r} (path escape)")
                if info.is_dir() or not parts or parts[0] != top:
                    continue  # folders are made as needed; anything outside top/ is not ours
                dest = into / Path(*parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ChecksumError(f"{archive.name}: not a readable zip archive ({exc})") from exc


def _install(ds: Dataset, archives: list[Path], target: Path, progress: bool) -> None:
    """Unpack into a temporary sibling of ``target``, verify, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".unpacking",
                                    dir=target.parent))
    try:
        if ds.kind == "zip":
            for archive in archives:
                _unpack_zip(archive, staging, target.name)
            unpacked = staging / target.name
        elif ds.kind == "gz":
            unpacked = staging / target.name
            unpacked.mkdir()
            for archive in archives:
                name = archive.name.removesuffix(".gz")
                try:
                    with gzip.open(archive) as src, open(unpacked / name, "wb") as out:
                        shutil.copyfileobj(src, out, CHUNK)
                except (OSError, EOFError) as exc:
                    raise ChecksumError(f"{archive.name}: not a readable gzip file ({exc})") from exc
        else:
            raise FetchError(f"{ds.name}: unknown archive kind {ds.kind!r}")
        if not unpacked.is_dir():
            raise ChecksumError(f"{ds.name}: the archive holds no folder {target.name}/")
        problems = _content_problems(ds, unpacked)
        if problems:
            raise ChecksumError(f"{ds.name}: the unpacked files do not match the manifest: "
                                + "; ".join(problems[:5]))
        os.replace(unpacked, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# ------------------------------------------------------------------------ API

def fetch(name: str, to, mirror: str | None = None, *, manifest: dict | None = None,
          progress: bool = True, retries: int = 3, timeout: float = 60.0,
          keep_archives: bool = False) -> Path:
    """Download, check and unpack one data set under the root ``to``; returns its folder.

    manifest: data sets by name (default :data:`MANIFEST`; tests pass small
    fakes). A target folder that is already there is verified and kept.
    Raises ChecksumError (nothing unpacked is left) or FetchError.
    """
    manifest = MANIFEST if manifest is None else manifest
    if name not in manifest:
        raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(manifest)} or all")
    ds = manifest[name]
    root = Path(to).expanduser()
    target = root / ds.target
    if target.exists():
        problems = _content_problems(ds, target)
        if problems:
            raise ChecksumError(f"{target} exists but does not match the manifest "
                                f"({'; '.join(problems[:3])}); move it away and fetch again")
        return target
    downloads = root / DOWNLOADS
    archives = [_download(item, downloads, mirror, progress, retries, timeout)
                for item in ds.downloads]
    _install(ds, archives, target, progress)
    if not keep_archives:
        for archive in archives:
            archive.unlink(missing_ok=True)
        try:
            downloads.rmdir()
        except OSError:
            pass  # other downloads in progress or kept
    return target


def fetch_all(names, to, mirror=None, **kwargs) -> list[Path]:
    return [fetch(n, to, mirror, **kwargs) for n in names]


def verify(name: str, to, manifest: dict | None = None) -> list[str]:
    """Problems of an installed data set (empty: every checksum matches)."""
    manifest = MANIFEST if manifest is None else manifest
    ds = manifest[name]
    target = Path(to).expanduser() / ds.target
    if not target.is_dir():
        return [f"no folder {target}"]
    return _content_problems(ds, target)


# ------------------------------------------------------------------------ CLI

def _names(which: str) -> list[str]:
    return list(MANIFEST) if which == "all" else [which]


def _root(args) -> Path | None:
    to = args.to or os.environ.get("HWLIB_DATA") or None
    if to is None:
        print("error: say where the data goes: --to DIR (or set HWLIB_DATA=DIR)", file=sys.stderr)
        return None
    return Path(to).expanduser().resolve()


def cmd_fetch(args: argparse.Namespace) -> int:
    root = _root(args)
    if root is None:
        return 2
    for name in _names(args.dataset):
        try:
            folder = fetch(name, root, args.mirror, progress=not args.no_progress,
                           retries=args.retries, keep_archives=args.keep_archives)
        except FetchError as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            return 1
        print(f"{name}: verified in {folder}")
    print(f"data root: {root}\nuse it with: export HWLIB_DATA={root}  (or --data {root})")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    root = _root(args)
    if root is None:
        return 2
    bad = 0
    for name in _names(args.dataset):
        problems = verify(name, root)
        bad += bool(problems)
        print(f"{name}: " + ("; ".join(problems) if problems else "every checksum matches"))
    return 1 if bad else 0


def register(subparsers) -> None:
    """Add ``data fetch`` and ``data verify`` to the ``python -m hwlib`` sub-commands."""
    p = subparsers.add_parser("data", help="download and verify EuroSAT and Fashion-MNIST")
    sub = p.add_subparsers(dest="data_command", required=True)
    choices = [*MANIFEST, "all"]
    f = sub.add_parser("fetch", help="download from the official source (or a mirror), "
                                     "check SHA-256/MD5 sums, unpack for the loaders",
                       description="Download each data set from its official source (or --mirror), "
                                   "resume interrupted transfers, check the archives' MD5/SHA-256 and "
                                   "every unpacked file's SHA-256, then move the verified folder into "
                                   "DIR/eurosat/2750 or DIR/fashion-mnist/FashionMNIST/raw.")
    f.add_argument("dataset", nargs="?", default="all", choices=choices)
    f.add_argument("--to", metavar="DIR", default=None,
                   help="data root to fill (default $HWLIB_DATA)")
    f.add_argument("--mirror", metavar="URL_OR_DIR", default=None,
                   help="base URL or local folder holding the same file names as the official source")
    f.add_argument("--retries", type=int, default=3,
                   help="resume an interrupted transfer this many times (default 3)")
    f.add_argument("--keep-archives", action="store_true",
                   help="keep the downloaded archives in DIR/.downloads")
    f.add_argument("--no-progress", action="store_true", help="no progress bars")
    f.set_defaults(func=cmd_fetch)
    v = sub.add_parser("verify", help="check an installed data root against the checksums")
    v.add_argument("dataset", nargs="?", default="all", choices=choices)
    v.add_argument("--to", metavar="DIR", default=None, help="data root (default $HWLIB_DATA)")
    v.set_defaults(func=cmd_verify)
