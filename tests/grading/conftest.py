"""Import paths of the grading-engine tests.

Helpers live in grading_helpers.py (imported by name from the test modules);
the toy checkers in fixtures/ are imported by name by the engine.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE / "fixtures"):  # grading_helpers; toy_checkers (imported by name)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
