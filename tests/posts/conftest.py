from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "posts" / "fixtures" / "pubmed"


@pytest.fixture
def pubmed_file():
    """Path to one of the recorded E-utilities responses, e.g. ``biopython/pubmed7.xml``."""

    def path(name: str) -> Path:
        return FIXTURES / name

    return path
