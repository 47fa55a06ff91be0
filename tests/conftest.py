"""Suite-wide settings.

Property tests run derandomized by default so that CI is reproducible: a red build always
means the code changed, not that a new random seed was drawn. Set
``HYPOTHESIS_PROFILE=explore`` to search with fresh random examples (and more of them)
when hunting for bugs locally.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=2_000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
