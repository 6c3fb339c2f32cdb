"""What a username may be: normalised, plain, not official-looking, never reused.

Usernames appear in profile URLs (``/members/<username>/``) and next to everything a
member writes, so they are kept to what reads the same everywhere: NFKC-normalised
(full-width and other compatibility forms become plain letters), then only ASCII
letters, digits, ``.``, ``_`` and ``-``, with at least one letter or digit. Names that
look like the site or its staff are refused, as are their look-alikes (``adm1n``,
``Ad.Min``, ``staff_2``). A deleted member's username is retired for good, so nobody
can take over their old profile URL and the trust attached to it.
"""

from __future__ import annotations

import re
import unicodedata

ALLOWED = re.compile(r"^[A-Za-z0-9._-]+$")
HAS_ALNUM = re.compile(r"[A-Za-z0-9]")

RESERVED = (
    "admin",
    "administrator",
    "root",
    "staff",
    "moderator",
    "mod",
    "support",
    "help",
    "helpdesk",
    "security",
    "abuse",
    "radrounds",
    "official",
    "system",
    "webmaster",
    "postmaster",
    "noreply",
    "me",
    "settings",
    "members",
    "accounts",
    "api",
    "badges",
)

# Characters people use to imitate others, folded to what they imitate.
_LOOKALIKE = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip()


def skeleton(username: str) -> str:
    """What a name looks like once case, separators and look-alike digits are ignored."""
    text = username.casefold().translate(_LOOKALIKE).replace("i", "l")
    text = re.sub(r"[._-]+", "", text)
    return text.replace("rn", "m").replace("vv", "w")


_RESERVED_SKELETONS = {skeleton(name) for name in RESERVED}
# Names that stay official-looking with anything after them ("admin_team",
# "radrounds-news"); short words like "staff" are not here, for Staffan's sake.
_RESERVED_PREFIXES = {skeleton(name) for name in ("admin", "moderator", "radrounds", "official")}


def username_problem(username: str) -> str | None:
    """Why ``username`` (already normalised) cannot be used, or None if it can."""
    if not ALLOWED.match(username):
        return "Use only letters (a–z), digits, dots, underscores and hyphens."
    if not HAS_ALNUM.search(username):
        return "A username needs at least one letter or digit."
    shape = skeleton(username)
    # "admin", "Adm1n", "admin_2", "support-team"... all look official.
    base = re.sub(r"\d+$", "", shape) or shape
    if shape in _RESERVED_SKELETONS or base in _RESERVED_SKELETONS:
        return "This username is reserved."
    if any(shape.startswith(prefix) for prefix in _RESERVED_PREFIXES):
        return "This username is reserved."
    return None
