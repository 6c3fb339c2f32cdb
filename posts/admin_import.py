"""Admin views for "Import from PubMed": form -> preview -> confirm -> results.

Each step is POST/redirect/GET, so reloading a page never repeats a fetch or an
import. Only staff with ``posts.add_post`` get past ``_require_import_permission``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext

from posts.forms import PubmedImportForm
from posts.importing import (
    ImportBatch,
    batch_from_file,
    batch_from_pmids,
    batch_from_query,
    batch_import,
    batch_load,
    batch_save,
)
from posts.pubmed.records import PubmedError
from posts.services.imports import eutils_client


def _require_import_permission(request):
    # admin_view() has already let in only active staff; importing also needs add_post.
    if not request.user.has_perm("posts.add_post"):
        raise PermissionDenied


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def _batch_or_404(request, token) -> ImportBatch:
    batch = batch_load(token, user=request.user)
    if batch is None:
        raise Http404("This import has expired or is not yours. Start again.")
    return batch


def import_start(model_admin, request):
    _require_import_permission(request)
    form = PubmedImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = _gather(form, request.user)
        except PubmedError as error:
            form.add_error(None, str(error))
        else:
            batch_save(batch)
            return redirect("admin:posts_post_import_preview", token=batch.token)
    return TemplateResponse(
        request,
        "admin/posts/import/start.html",
        _context(model_admin, request, "Import from PubMed", form=form),
    )


def _gather(form, user) -> ImportBatch:
    data = form.cleaned_data
    if data["xml_file"]:
        upload = data["xml_file"]
        return batch_from_file(upload.read(), upload.name, user=user)
    if data["pmids"]:
        return batch_from_pmids(data["pmids"], client=eutils_client(), user=user)
    return batch_from_query(
        data["query"].strip(), data["max_results"], client=eutils_client(), user=user
    )


def import_preview(model_admin, request, token):
    _require_import_permission(request)
    batch = _batch_or_404(request, token)
    if batch.outcomes is not None:
        return redirect("admin:posts_post_import_results", token=token)
    if request.method == "POST":
        outcomes = batch_import(batch, posted_by=request.user)
        ok = sum(1 for o in outcomes if o.ok)
        level = messages.SUCCESS if ok == len(outcomes) else messages.WARNING
        messages.add_message(
            request,
            level,
            ngettext(
                "Imported %(ok)d of %(total)d record from PubMed.",
                "Imported %(ok)d of %(total)d records from PubMed.",
                len(outcomes),
            )
            % {"ok": ok, "total": len(outcomes)},
        )
        for outcome in outcomes:
            if not outcome.ok:
                messages.warning(request, outcome.describe())
        return redirect("admin:posts_post_import_results", token=token)
    return TemplateResponse(
        request,
        "admin/posts/import/preview.html",
        _context(
            model_admin,
            request,
            "Check what will be imported",
            batch=batch,
            rows=batch.preview_rows(),
            start_url=reverse("admin:posts_post_import"),
        ),
    )


def import_results(model_admin, request, token):
    _require_import_permission(request)
    batch = _batch_or_404(request, token)
    if batch.outcomes is None:
        return redirect("admin:posts_post_import_preview", token=token)
    return TemplateResponse(
        request,
        "admin/posts/import/results.html",
        _context(model_admin, request, "Import results", batch=batch, outcomes=batch.outcomes),
    )
