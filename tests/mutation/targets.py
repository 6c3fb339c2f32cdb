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
    # A pytest -k expression narrowing ``tests`` to the ones that reach the target.
    select: str = ""
    # `make mutate-ci` mutates only these, when given (the core of a long target).
    ci_functions: dict[str, list[str]] = field(default_factory=dict)
    manual_mutants: list[ManualMutant] = field(default_factory=list)

    @property
    def pytest_args(self) -> list[str]:
        return [*self.tests, *(["-k", self.select] if self.select else [])]


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
    Target(
        name="images-avatars",
        functions={
            "radrounds/images.py": ["decode_upload", "_decode", "*_webp"],
            "accounts/avatars.py": ["process_avatar"],
        },
        tests=[
            "tests/site/test_images.py",
            "tests/accounts/test_avatar_hardening.py",
            "tests/accounts/test_avatars.py",
        ],
    ),
    Target(
        name="images-badges",
        functions={
            "posts/badges/images.py": [
                "Badge.*",
                "shown_member_name",
                "member_badge",
                "post_badge",
                "badge_png",
            ],
            "posts/views/badges.py": ["_scale", "member_png", "post_png"],
        },
        tests=["tests/posts/test_badge_content.py", "tests/posts/test_badge_images.py"],
    ),
    Target(
        name="permissions-profiles",
        functions={"accounts/views.py": ["profile", "profile_edit", "my_profile_edit"]},
        tests=["tests/accounts/test_profiles.py"],
    ),
    Target(
        name="permissions-comments",
        functions={
            "posts/services/discussion.py": ["comment_edit", "comment_delete", "comment_hide"],
            "posts/views/discussion.py": ["_comment_for"],
            "posts/views/engagement.py": ["_visible_post"],
        },
        tests=["tests/posts/test_discussion_permissions.py"],
    ),
    Target(
        name="permissions-reports-moderation",
        functions={
            "posts/services/report_queue.py": ["_require", "_item_for_action", "report_claim"],
            "posts/admin_reports.py": ["*.has_*_permission"],
        },
        tests=["tests/posts/test_report_permissions.py", "tests/posts/test_report_queue.py"],
        select="cannot or moderator or permission or claim",
    ),
    Target(
        name="permissions-admin-import",
        functions={"posts/admin_import.py": ["_require_import_permission"]},
        tests=["tests/posts/test_admin_import.py"],
    ),
    Target(
        name="rate-limits",
        functions={
            "radrounds/ratelimit.py": ["*"],
            "posts/services/reports.py": ["_check_rates", "address_key"],
            "posts/services/discussion.py": ["_check_rate"],
            "accounts/adapters.py": [
                "AccountAdapter._get_login_attempts_cache_key",
                "_account_for",
            ],
            # The counts live in the database cache on the default setup: its incr().
            "radrounds/cache.py": ["CountingDatabaseCache.incr"],
        },
        tests=[
            "tests/test_ratelimit.py",
            "tests/posts/test_rate_limits.py",
            "tests/site/test_cache_counting.py",
        ],
    ),
    Target(
        name="citation-line",
        functions={"posts/pubmed/citation.py": ["*"]},
        tests=["tests/posts/test_citation_line.py"],
    ),
    Target(
        name="search-visibility",
        functions={
            "posts/search/__init__.py": ["search_posts"],
            "posts/search/results.py": ["_filtered_posts", "suggestions"],
            "posts/models/post.py": ["PostQuerySet.visible*"],
        },
        tests=["tests/posts/test_search_visibility.py", "tests/posts/test_search.py"],
    ),
    Target(
        name="counters",
        functions={
            "posts/services/engagement.py": ["_switch", "post_like_set", "comment_like_set"],
            "posts/services/discussion.py": ["comments_hide", "comments_unhide", "_recount_posts"],
        },
        tests=[
            "tests/posts/test_counters.py",
            "tests/posts/test_moderation_statements.py",
            # comment_like_set's "First like": this one test of the file is fast.
            "tests/posts/test_achievement_triggers.py::"
            "test_a_colleagues_like_of_a_comment_earns_its_author_the_first_like_badge",
        ],
    ),
    Target(
        name="view-counting",
        # The Redis path (viewing._buffered, posts/services/view_buffer.py) is the target
        # "view-buffer"; test_view_record.py runs every test on a Redis views cache too.
        functions={
            "posts/services/viewing.py": [
                "post_view_record",
                "post_id_view_record",
                "_counted_at_once",
                "_first_view",
                "_address_within_cap",
                "_increment_views",
            ],
            "posts/visitors.py": ["*"],
        },
        # CI: the counter itself (mark, cap, increment) and visitor identity; the
        # dispatch in post_id_view_record also holds the Redis branch, which only
        # make test-scale reaches.
        ci_functions={
            "posts/services/viewing.py": [
                "_counted_at_once",
                "_first_view",
                "_address_within_cap",
                "_increment_views",
            ],
            "posts/visitors.py": ["*"],
        },
        tests=[
            "tests/posts/test_visitors.py",
            "tests/posts/test_view_record.py",
            "tests/posts/test_view_counting.py",
        ],
        manual_mutants=[
            ManualMutant(
                name="the atomic add replaced by get then set",
                path="posts/services/viewing.py",
                function="_first_view",
                find=(
                    "    if not cache.add(_mark_key(post_id, visitor), 1, "
                    "timeout=settings.VIEW_DEDUPE_SECONDS):\n"
                    "        return False\n"
                ),
                replace=(
                    "    cache.set(_mark_key(post_id, visitor), 1, "
                    "timeout=settings.VIEW_DEDUPE_SECONDS)\n"
                ),
            ),
        ],
    ),
    Target(
        name="view-buffer",
        # Views counted in Redis by one script and moved into the database in batches.
        # The tests use a Redis views cache of their own (tests.views_cache).
        functions={
            "posts/services/view_buffer.py": ["*"],
            "posts/services/viewing.py": ["_buffered"],
        },
        tests=["tests/posts/test_view_buffer.py", "tests/posts/test_view_record.py"],
        # The buffered runs of the view-record tests, and the one that compares modes.
        select="test_view_buffer or redis-buffered or wait_for_a_flush",
    ),
]

# `make mutate-ci`: fast, and the two promises the suite once missed.
CI_TARGETS = {"markup-sanitiser", "view-counting"}
