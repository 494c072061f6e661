"""Fixtures shared by the data, fetch and training suites.

The real-data tests take the data root from HWLIB_DATA (``.ci/run`` sets it).
Unset, they skip and say how to get the data; set but wrong, they fail: a
mistyped path must not pass as a green run with everything skipped.
"""
import os
from pathlib import Path

import pytest

FETCH_HINT = ("run `python -m hwlib data fetch all --to DIR` (EuroSAT and Fashion-MNIST, "
              "~120 MB) and set HWLIB_DATA=DIR")


@pytest.fixture(scope="session")
def real_root():
    """The real data root from HWLIB_DATA, checked for both data sets' folders and files."""
    from hwlib.fetch import missing_parts

    raw = os.environ.get("HWLIB_DATA")
    if not raw:
        pytest.skip(f"real-data test: HWLIB_DATA is not set; {FETCH_HINT}")
    root = Path(raw).expanduser()
    missing = missing_parts(root)
    if missing:
        pytest.fail(f"HWLIB_DATA={raw} is set but is not a complete data root: "
                    f"{'; '.join(missing)}. Fix the path, {FETCH_HINT}, or unset "
                    "HWLIB_DATA to skip the real-data tests.", pytrace=False)
    return root


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One cache dir for the whole session, shared by pytest-xdist workers (decode once)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    path = base / "hwlib-eurosat-cache"
    path.mkdir(exist_ok=True)
    return path
