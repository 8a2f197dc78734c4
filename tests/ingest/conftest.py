"""Where the ingest tests find their data.

The real-world samples live outside the repo, in the read-only `shared/` folder that CI
checks out beside it (`../shared/samples`); small hand-written files live in
tests/fixtures/ingest/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = (REPO / ".." / "shared" / "samples").resolve()
WILD = (REPO / ".." / "shared" / "samples-wild").resolve()  # the second, rougher corpus
FIXTURES = REPO / "tests" / "fixtures" / "ingest"


@pytest.fixture(scope="session")
def samples() -> Path:
    assert SAMPLES.is_dir(), f"sample data not found at {SAMPLES} (expected ../shared/samples)"
    return SAMPLES
