import json
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import AccountDeleteForm, DirectoryFilterForm, ProfileForm
from accounts.models import User
from accounts.services import (
    account_delete,
    member_data_export,
    profile_update,
)

MEMBERS_PER_PAGE = getattr(settings, "MEMBERS_PER_PAGE", 24)


@require_safe
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    members = (
        form.filter(User.objects.public())
        .prefetch_related("member_badges")
        .order_by("-verified", "-date_joined", "-pk")
    )
    page_obj = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "accounts/directory.html",
        {"form": form, "page_obj": page_obj, "querystring": querystring.urlencode()},
    )


@require_safe
def profile(request, username: str):
    member = get_object_or_404(
        User.objects.members().prefetch_related("member_badges"), username=username
    )
    is_own = request.user.pk == member.pk
    if member.profile_hidden and not (is_own or request.user.is_staff):
        # Not public; a short page rather than a bare 404, since comments still link here.
        return render(
            request, "accounts/profile_hidden.html", {"member": member}, status=HTTPStatus.NOT_FOUND
        )
    return render(request, "accounts/profile.html", {"member": member, "is_own": is_own})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request, username: str):
    member = get_object_or_404(User.objects.members(), username=username)
    if member.pk != request.user.pk:
        raise PermissionDenied("You can only edit your own profile.")
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        # ModelForm.is_valid() copied the cleaned values onto `member`; the service saves them.
        profile_update(
            user=member,
            data={f: form.cleaned_data[f] for f in form.Meta.fields},
            avatar=form.processed_avatar,
            remove_avatar=form.cleaned_data["avatar_remove"],
        )
        messages.success(request, "Your profile was saved.")
        return redirect(member)
    if request.method == "POST":
        # A rejected form must not leave half-applied values on the shown avatar/name.
        member.refresh_from_db()
    return render(request, "accounts/profile_edit.html", {"form": form, "member": member})


@login_required
def my_profile_edit(request):
    return redirect("accounts:edit", username=request.user.username)


@login_required
@require_safe
def settings_index(request):
    return render(request, "accounts/settings.html")


@login_required
@require_safe
def data_export(request):
    data = member_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"radrounds-{request.user.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.success(request, "Your account was deleted. Thank you for being part of it.")
        return redirect("posts:home")
    return render(request, "accounts/delete.html", {"form": form})
