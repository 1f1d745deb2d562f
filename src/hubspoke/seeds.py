"""Seeds derived from a master seed and a key, the same in every run and process."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np
import pandas as pd


def series_seed(seed: int, key: Sequence[object]) -> np.random.SeedSequence:
    """Seed of one keyed computation, derived from the master seed and the key by SHA-256, so it
    is the same in every run and process (unlike Python's salted ``hash``)."""
    text = json.dumps([None if pd.isna(part) else str(part) for part in key])
    digest = hashlib.sha256(text.encode()).digest()
    words = np.frombuffer(digest[:16], dtype="<u4")
    return np.random.SeedSequence(seed, spawn_key=tuple(int(w) for w in words))


def year_seed(seed: int, year: int) -> np.random.SeedSequence:
    """Seed of one year's null-model replicates: the same in every run, independent of the
    other years (the year itself is the spawn key, so no hashing is needed)."""
    return np.random.SeedSequence(seed, spawn_key=(int(year),))
