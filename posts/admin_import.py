"""Admin views for "Import from PubMed": form -> (progress) -> preview -> confirm -> results.

Each step is POST/redirect/GET, so reloading a page never repeats a fetch or an
import. Slow work runs in the background worker; while it does, the preview and
results pages show its progress and reload themselves (a meta refresh: no script).
Only staff with ``posts.add_post`` get past ``_require_import_permission``.
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
    BatchState,
    GatherPlan,
    ImportBatch,
    batch_claim_confirmation,
    batch_gather_now,
    batch_import_later,
    batch_load,
    batch_progress,
    batch_save,
    batch_start,
)
from posts.pubmed.records import PubmedError
from radrounds.cache import CacheUnavailable

STORE_DOWN = (
    "The import store (the previews cache) is unavailable right now, so nothing can be "
    "previewed. Try again in a minute; the site's health page (/readyz) shows its state."
)


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
    try:
        batch = batch_load(token, user=request.user)
    except CacheUnavailable:
        raise Http404(STORE_DOWN) from None
    if batch is None:
        raise Http404("This import has expired or is not yours. Start again.")
    return batch


def import_start(model_admin, request):
    _require_import_permission(request)
    form = PubmedImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = _start(form, request.user)
        except PubmedError as error:
            form.add_error(None, str(error))
        except CacheUnavailable:
            form.add_error(None, STORE_DOWN)
        else:
            return redirect("admin:posts_post_import_preview", token=batch.token)
    return TemplateResponse(
        request,
        "admin/posts/import/start.html",
        _context(model_admin, request, "Import from PubMed", form=form),
    )


def _start(form, user) -> ImportBatch:
    """Start the batch; a small job is gathered right here, a big or slow one later."""
    data = form.cleaned_data
    upload = data["xml_file"]
    if upload:
        file_data = upload.read()
        plan = GatherPlan(file_name=upload.name, file_size=len(file_data))
    elif data["pmids"]:
        file_data, plan = b"", GatherPlan(pmids=data["pmids"])
    else:
        file_data = b""
        plan = GatherPlan(query=data["query"].strip(), max_results=data["max_results"])
    batch = batch_start(plan=plan, user=user, file_data=file_data)
    batch_gather_now(batch)
    return batch


def _progress_page(model_admin, request, batch, title):
    done, total = batch_progress(batch)
    return TemplateResponse(
        request,
        "admin/posts/import/progress.html",
        _context(
            model_admin,
            request,
            title,
            batch=batch,
            done=done,
            total=total,
            start_url=reverse("admin:posts_post_import"),
        ),
    )


def import_preview(model_admin, request, token):
    _require_import_permission(request)
    batch = _batch_or_404(request, token)
    if batch.state in (BatchState.IMPORTING, BatchState.DONE) or batch.outcomes is not None:
        return redirect("admin:posts_post_import_results", token=token)
    if batch.state != BatchState.READY:
        if request.method == "POST":
            return redirect("admin:posts_post_import_preview", token=token)
        return _progress_page(model_admin, request, batch, "Gathering records from PubMed")
    if request.method == "POST":
        if batch_claim_confirmation(batch):
            batch_import_later(batch)
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
    if batch.state == BatchState.READY:
        return redirect("admin:posts_post_import_preview", token=token)
    if batch.state != BatchState.DONE:
        return _progress_page(model_admin, request, batch, "Importing from PubMed")
    if not batch.announced:
        _announce(request, batch)
    return TemplateResponse(
        request,
        "admin/posts/import/results.html",
        _context(model_admin, request, "Import results", batch=batch, outcomes=batch.outcomes),
    )


def _announce(request, batch: ImportBatch) -> None:
    """The admin messages for a finished import, once (also when it finished in the
    background while the admin was elsewhere)."""
    outcomes = batch.outcomes or []
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
    batch.announced = True
    batch_save(batch)
