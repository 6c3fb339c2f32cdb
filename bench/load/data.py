"""The benchmark's database: built once with bulk inserts, then reused.

20,000 posts varied from the real PubMed records in posts/fixtures/pubmed/ (titles,
abstracts, authors, journals and MeSH recombined, indexed for search by the site's own
service), 2,000 members (verified, a year old), 100,000 comments (a few posts with
500+), likes, 60 days of view history, sponsors and badges. Rows are written with
``bulk_create`` (a per-row service would take an hour); what the services keep in step
(comment counts, last-commented dates, like counts, view totals, the search index) is
set from the rows afterwards, so the data is what the site would hold.

Called by ``setup_django`` below (``make bench``); ``--rebuild`` builds it again.
"""

from __future__ import annotations

import io
import os
import random
import time
from datetime import timedelta

from bench.corpus import PMID_BASE, Corpus, posts_write
from bench.load import DATA
from bench.load.server import server_env

POSTS = 20_000
MEMBERS = 2_000
COMMENTS = 100_000
HOT_POSTS = 4  # posts with 500+ comments; the first is the signed-in scenario's
HOT_COMMENTS = 520
VIEW_DAYS = 60
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - bench members only


def setup_django(rebuild: bool) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.update(server_env(0))
    os.environ["DJANGO_SETTINGS_MODULE"] = "radrounds.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if rebuild or not is_built():
        print("Building the benchmark database (once; reused next time) ...", flush=True)
        build()


def is_built() -> bool:
    """The last row a build writes is there (the database's own state, not a cache's)."""
    from posts.models import MemberBadge, Post

    try:
        return (
            Post.objects.filter(pmid=PMID_BASE + POSTS - 1, doi__startswith="10.5555/").exists()
            and MemberBadge.objects.filter(user__username__startswith="bench").exists()
        )
    except Exception:  # noqa: BLE001 - no tables yet
        return False


def build(*, seed: int = 12) -> None:
    from django.db import connection

    rng = random.Random(seed)
    started = time.perf_counter()
    _wipe()
    members = _members(rng)
    print(f"  {len(members):,} members", flush=True)
    posts = _posts(rng, members)
    print(f"  {len(posts):,} posts (indexed)", flush=True)
    _comments(rng, posts, members)
    print(f"  {COMMENTS:,}+ comments", flush=True)
    _likes(rng, posts, members)
    _views(rng, posts)
    print(f"  {VIEW_DAYS} days of views", flush=True)
    _sponsors()
    _badges(rng, members)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def _wipe() -> None:
    from django.db import connection

    from accounts.models import User
    from posts.models import Post, Report, Sponsor
    from posts.services.search_index import search_index_rebuild

    Report.objects.all().delete()
    Post.objects.all().delete()
    Sponsor.objects.all().delete()
    User.objects.all().delete()
    search_index_rebuild()
    with connection.cursor() as cursor:
        for table in ("radrounds_cache", "radrounds_cache_views", "radrounds_cache_pages"):
            if table in connection.introspection.table_names():
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constants


def _members(rng):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Role, Subspecialty, User

    first = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jon"]
    last = ["Ortiz", "Müller", "Okafor", "Nguyen", "Rossi", "Khan", "Silva", "Sato", "Berg"]
    password = make_password(BENCH_PASSWORD)
    joined = timezone.now() - timedelta(days=400)
    roles = [r for r, _ in Role.choices]
    subspecialties = [s for s, _ in Subspecialty.choices]
    users = [
        User(
            username=f"bench{n:04d}",
            email=f"bench{n:04d}@example.org",
            password=password,
            first_name=rng.choice(first),
            last_name=rng.choice(last),
            role=rng.choice(roles),
            subspecialty=rng.choice(subspecialties),
            institution=rng.choice(["Tübingen", "Leeds", "Osaka", "Lagos", "Lyon", ""]),
            date_joined=joined + timedelta(minutes=n),
            verified=n % 7 == 0,
        )
        for n in range(MEMBERS)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    users = list(User.objects.order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=1000,
    )
    return users


def _posts(rng, members):
    from django.utils import timezone
    from django.utils.text import slugify

    from posts.models import Post

    corpus = Corpus.load()
    now = timezone.now()
    posters = [m for m in members if m.pk % 10 == 0]

    def posts():
        for n in range(POSTS):
            fields = corpus.post_fields(rng, n)
            post = Post(
                posted_by=rng.choice(posters),
                created_at=now - timedelta(minutes=POSTS - n),
                **fields,
            )
            post.slug = slugify(post.title_text)[:80] or "post"
            yield post

    posts_write(posts())
    return list(Post.objects.order_by("pk").only("pk"))


_BODIES = [
    "Useful review of facet blocks; we use a 22G needle and see fewer vasovagal events.",
    "Has anyone compared this with **CBCT** guidance? Dose figures would help.",
    "In our department the ~complication rate~ was lower with a coaxial technique.",
    "Agree with the authors. See also PMID 29963580 for the follow-up.",
    "Would love the protocol for the MRI part: T2 FS, STIR, or both?",
    "Nice case series. The limitation section undersells the selection bias though.",
    "We switched to ultrasound guidance for these two years ago and have not looked back.",
    "Short answer: it depends on the body habitus. Long answer below.\n\nFirst, ...",
]


def _comments(rng, posts, members):
    from django.db import connection
    from django.utils import timezone

    from posts.models import Comment
    from posts.services.discussion import comment_render

    rendered = [(body, comment_render(body=body)[0]) for body in _BODIES]
    now = timezone.now()
    hot = posts[:HOT_POSTS]
    plan: list[int] = []  # a post id per top-level comment
    for post in hot:
        plan += [post.pk] * (HOT_COMMENTS * 2 // 3)
    rest = COMMENTS - len(plan) * 3 // 2
    weights = [1 / (i + 1) for i in range(len(posts) - HOT_POSTS)]
    plan += [p.pk for p in rng.choices(posts[HOT_POSTS:], weights=weights, k=rest * 2 // 3)]
    roots = []
    for n, post_id in enumerate(plan):
        body, html = rng.choice(rendered)
        roots.append(
            Comment(
                post_id=post_id,
                author=rng.choice(members),
                body=body,
                body_html=html,
                created_at=now - timedelta(seconds=len(plan) - n),
            )
        )
    Comment.objects.bulk_create(roots, batch_size=2000)
    roots = list(Comment.objects.filter(parent__isnull=True).only("pk", "post_id", "created_at"))
    replies = []
    for n in range(len(roots) // 2):
        parent = roots[(n * 7919) % len(roots)]
        body, html = rng.choice(rendered)
        replies.append(
            Comment(
                post_id=parent.post_id,
                parent=parent,
                author=rng.choice(members),
                body=body,
                body_html=html,
                created_at=parent.created_at + timedelta(seconds=30),
            )
        )
    Comment.objects.bulk_create(replies, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "UPDATE posts_post SET comment_count = c.n, last_commented_at = c.latest FROM "
            "(SELECT post_id, COUNT(*) AS n, MAX(created_at) AS latest FROM posts_comment "
            "GROUP BY post_id) AS c WHERE c.post_id = posts_post.id"
        )


def _likes(rng, posts, members):
    from django.db import connection

    from posts.models import PostLike, SavedPost

    likes = {(rng.choice(members).pk, rng.choice(posts[:3000]).pk) for _ in range(30_000)}
    PostLike.objects.bulk_create(
        [PostLike(user_id=u, post_id=p) for u, p in likes], batch_size=5000
    )
    saves = {(rng.choice(members).pk, rng.choice(posts[:3000]).pk) for _ in range(10_000)}
    SavedPost.objects.bulk_create(
        [SavedPost(user_id=u, post_id=p) for u, p in saves], batch_size=5000
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE posts_post SET like_count = l.n FROM (SELECT post_id, COUNT(*) AS n "
            "FROM posts_postlike GROUP BY post_id) AS l WHERE l.post_id = posts_post.id"
        )


def _views(rng, posts):
    from django.db import connection
    from django.utils import timezone

    from posts.models import PostDailyViews

    today = timezone.localdate()
    rows = []
    for post in posts[:3000]:
        for day in range(VIEW_DAYS):
            if rng.random() < 0.6:
                views = rng.randint(1, 40)
                rows.append(PostDailyViews(post=post, day=today - timedelta(days=day), views=views))
    PostDailyViews.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE posts_post SET view_count = d.n FROM (SELECT post_id, SUM(views) AS n "
            "FROM posts_postdailyviews GROUP BY post_id) AS d WHERE d.post_id = posts_post.id"
        )


def _sponsors():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from posts.models import Sponsor
    from posts.services.sponsors import sponsor_save
    from posts.sponsors import process_sponsor_image

    ads = [("Contrast Co", (20, 90, 160)), ("Needle Works", (160, 40, 40)), ("PACS", (0, 120, 60))]
    for n, (name, colour) in enumerate(ads):
        buffer = io.BytesIO()
        Image.new("RGB", (600, 300), colour).save(buffer, format="PNG")
        upload = SimpleUploadedFile("ad.png", buffer.getvalue(), content_type="image/png")
        sponsor_save(
            sponsor=Sponsor(
                name=name,
                alt_text=f"{name}: imaging supplies",
                target_url=f"https://sponsor{n}.example/",
                weight=n + 1,
            ),
            image=process_sponsor_image(upload),
        )


def _badges(rng, members):
    from posts.achievements import CATALOGUE
    from posts.models import MemberBadge

    slugs = [rule.slug for rule in CATALOGUE]
    rows = {(m.pk, rng.choice(slugs)) for m in members for _ in range(rng.randint(0, 3))}
    MemberBadge.objects.bulk_create(
        [MemberBadge(user_id=u, badge=b) for u, b in rows], ignore_conflicts=True, batch_size=5000
    )
