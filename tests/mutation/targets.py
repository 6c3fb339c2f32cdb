"""What ``make mutate`` mutates, and which tests judge each target.

A target is a set of functions (``{"path.py": ["glob of qualified names", ...]}``;
``"*"`` is every function and method in the file) and the tests that cover them.
Name the tests that exercise the target, not the whole suite: every surviving mutant
runs all of them.

``manual_mutants`` are mistakes mutmut's operators cannot make but that break a
promise (e.g. dropping the atomic ``cache.add``); each must be killed like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ManualMutant:
    name: str
    path: str
    function: str
    find: str
    replace: str


@dataclass(frozen=True)
class Target:
    name: str
    functions: dict[str, list[str]]
    tests: list[str]
    manual_mutants: list[ManualMutant] = field(default_factory=list)


TARGETS = [
    Target(
        name="markup-sanitiser",
        functions={"posts/markup.py": ["*"]},
        tests=["tests/posts/test_markup.py"],
        manual_mutants=[
            ManualMutant(
                name="attributes kept on allowed tags",
                path="posts/markup.py",
                function="_InlineSanitiser.handle_starttag",
                find='self.out.append(f"<{tag}>")',
                replace=(
                    'self.out.append(f"<{tag}" + "".join(f\' {k}={v!r}\' for k, v in attrs) + ">")'
                ),
            ),
        ],
    ),
    Target(
        name="comment-text",
        functions={"posts/comment_text.py": ["*"]},
        tests=["tests/posts/test_comment_text.py"],
    ),
]

# `make mutate-ci`: fast, and the two promises the suite once missed.
CI_TARGETS = {"markup-sanitiser", "view-counting"}
