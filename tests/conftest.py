"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real source data (``../shared/data`` next to the repository)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared source data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def dots_post_soviet(shared_data):
    """The real DOTS workbooks of the 15 post-Soviet reporters (read once per session)."""
    from hubspoke.countries import POST_SOVIET
    from hubspoke.io.dots import read_dots_folder

    return read_dots_folder(shared_data / "imf-dots", POST_SOVIET)


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def edit_fixture(tmp_path):
    """``edit(relative, old, new) -> Path``: a copy of ``tests/fixtures/<relative>`` in
    ``tmp_path`` with the first occurrence of ``old`` replaced by ``new`` (line ends kept), to
    make a malformed variant of a hand-made fixture."""

    def edit(relative: str, old: str, new: str) -> Path:
        text = (FIXTURES / relative).read_bytes().decode("utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path = tmp_path / Path(relative).name
        path.write_bytes(text.replace(old, new, 1).encode("utf-8"))
        return path

    return edit
