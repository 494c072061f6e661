"""Fixtures shared by the data and training suites."""
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def real_root():
    """The real data root from HWLIB_DATA (`make test` and CI set it)."""
    root = os.environ.get("HWLIB_DATA")
    if not root:
        pytest.skip("HWLIB_DATA is not set: the real EuroSAT/Fashion-MNIST tests need the data root")
    return Path(root)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One cache dir for the whole session, shared by pytest-xdist workers (decode once)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    path = base / "hwlib-eurosat-cache"
    path.mkdir(exist_ok=True)
    return path
