"""Citation downloads for reference managers: RIS and BibTeX."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from posts import citations
from posts.models import Post


def _download(request, pk: int, *, render, content_type: str, extension: str):
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=pk)
    url = request.build_absolute_uri(post.get_absolute_url())
    response = HttpResponse(render(post, url=url), content_type=content_type)
    name = f"radrounds-{post.pmid or post.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def ris(request, pk: int):
    return _download(
        request,
        pk,
        render=citations.ris,
        content_type="application/x-research-info-systems; charset=utf-8",
        extension="ris",
    )


@require_safe
def bibtex(request, pk: int):
    return _download(
        request,
        pk,
        render=citations.bibtex,
        content_type="application/x-bibtex; charset=utf-8",
        extension="bib",
    )
