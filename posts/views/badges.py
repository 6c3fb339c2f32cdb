"""/badges/: the embeddable badge images and the page that explains every badge."""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.html import escape
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from accounts.models import User
from posts.achievements import CATALOGUE
from posts.badges.images import SCALES, Badge, badge_png, member_badge, network_badge, post_badge
from posts.models import MemberBadge, Post


def _scale(request) -> int | None:
    raw = request.GET.get("scale", "1")
    return int(raw) if raw in {str(s) for s in SCALES} else None


def _png(request, badge: Badge) -> HttpResponse:
    scale = _scale(request)
    if scale is None:
        return HttpResponse(
            "scale must be 1 or 2.", status=HTTPStatus.BAD_REQUEST, content_type="text/plain"
        )
    rendered = badge_png(badge, scale=scale)
    response = HttpResponse(rendered.png, content_type="image/png")
    response["ETag"] = f'"{rendered.etag}"'
    response["Last-Modified"] = http_date(rendered.drawn_at.timestamp())
    patch_cache_control(response, public=True, max_age=settings.BADGE_MAX_AGE)
    # Answers 304 Not Modified (keeping ETag and Cache-Control) when the copy is current.
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(rendered.drawn_at.timestamp()),
        response=response,
    )


@require_safe
def network_png(request):
    return _png(
        request,
        network_badge(members=User.objects.members().count(), posts=Post.objects.visible().count()),
    )


@require_safe
def member_png(request, username: str):
    member = get_object_or_404(User.objects.public(), username=username)
    return _png(request, member_badge(member))


@require_safe
def post_png(request, pk: int):
    post = get_object_or_404(Post.objects.visible(), pk=pk)
    return _png(request, post_badge(post))


def snippets(*, image: str, link: str, alt: str, size: tuple[int, int]) -> list[dict]:
    """Copy-ready code that shows ``image`` linking to ``link``, for the places people paste it."""
    width, height = size
    # Plain text (an f-string of escaped parts), escaped again by the page, so a name
    # can neither add markup to the snippet nor end the <textarea> it is shown in.
    html = (
        f'<a href="{escape(link)}"><img src="{escape(image)}" srcset="{escape(image)}?scale=2 2x" '
        f'width="{width}" height="{height}" alt="{escape(alt)}"></a>'
    )
    return [
        {"format": "HTML", "hint": "Websites, blogs and email signatures", "code": html},
        {
            "format": "Markdown",
            "hint": "GitHub, forums, notes",
            "code": f"[![{alt}]({image})]({link})",
        },
        {
            "format": "BBCode",
            "hint": "Message boards",
            "code": f"[url={link}][img]{image}[/img][/url]",
        },
    ]


def post_badge_snippet(request, post) -> str:
    """The HTML that embeds ``post``'s badge, linking back to the post."""
    image = request.build_absolute_uri(reverse("badges:post", kwargs={"pk": post.pk}))
    link = request.build_absolute_uri(post.get_absolute_url())
    return snippets(image=image, link=link, alt=post.title_text, size=Badge("post", {}).size)[0][
        "code"
    ]


@require_safe
def index(request):
    absolute = request.build_absolute_uri
    network = snippets(
        image=absolute(reverse("badges:network")),
        link=absolute(reverse("posts:home")),
        alt=settings.SITE_NAME,
        size=Badge("network", {}).size,
    )
    mine = None
    if request.user.is_authenticated and not request.user.profile_hidden:
        member = request.user
        mine = {
            "image": reverse("badges:member", kwargs={"username": member.username}),
            "snippets": snippets(
                image=absolute(reverse("badges:member", kwargs={"username": member.username})),
                link=absolute(member.get_absolute_url()),
                alt=f"{member.name} on radRounds",
                size=Badge("member", {}).size,
            ),
        }
    counts = MemberBadge.objects.holder_counts()
    achievements = [{"rule": rule, "holders": counts.get(rule.slug, 0)} for rule in CATALOGUE]
    return render(
        request,
        "badges/index.html",
        {
            "network": network,
            "network_size": Badge("network", {}).size,
            "mine": mine,
            "member_size": Badge("member", {}).size,
            "post_size": Badge("post", {}).size,
            "achievements": achievements,
        },
    )
