"""The curated radiology synonyms (``synonyms.txt``), as a lookup from a word to its group."""

from functools import cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")


@cache
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Every entry of the file mapped to its whole group (itself first)."""
    groups: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        entries = [" ".join(e.lower().split()) for e in line.split(",") if e.strip()]
        for entry in entries:
            others = [e for e in entries if e != entry]
            groups[entry] = (entry, *others)
    return groups


def synonyms_of(text: str) -> tuple[str, ...]:
    """``("spine", "spinal", "vertebral")`` for "spine" or "spines"; ``(text,)`` if none."""
    groups = synonym_groups()
    text = text.lower()
    if text in groups:
        return groups[text]
    if text.endswith("s") and text[:-1] in groups:  # a plain plural ("tumours")
        return (text, *(e for e in groups[text[:-1]] if e != text[:-1]))
    return (text,)
