"""The harness's own tests: `.venv/bin/python -m pytest benchmarks/tests -q`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
