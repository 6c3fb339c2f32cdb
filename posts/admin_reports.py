"""The report queue in the Django admin: where moderators work reports to a decision.

The list shows what needs a decision, oldest first, with each report's item (on the
site and in the admin), reporter, how many open reports its item has, and age. Claim,
hide the item, restore it, resolve and dismiss are list actions (with a note, asked on
an intermediate page) and buttons on the report's page. The page shows the audit log
read-only; nobody can add, change or delete a report or a log entry here.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from posts.models import Report, ReportEvent, ReportKind, ReportStatus
from posts.report_forms import ModeratorNoteForm
from posts.services.moderation import HIDE_PERMISSIONS
from posts.services.report_queue import (
    ReportConflict,
    report_claim,
    report_dismiss,
    report_hide_item,
    report_resolve,
    report_restore_item,
)

ACTION_LABELS = {
    "claim": "Claim",
    "hide": "Hide the item",
    "restore": "Restore the item",
    "resolve": "Resolve (action taken)",
    "dismiss": "Dismiss",
}
# The list action behind each queue action.
LIST_ACTIONS = {
    "claim": "claim_reports",
    "hide": "hide_items",
    "restore": "restore_items",
    "resolve": "resolve_reports",
    "dismiss": "dismiss_reports",
}
WAITING = "waiting"


class ReportStatusFilter(admin.SimpleListFilter):
    """Status, defaulting to what still needs a decision (open or in review)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(WAITING, "Waiting for a decision"), *ReportStatus.choices, ("all", "All")]

    def value(self):
        return super().value() or WAITING

    def queryset(self, request, queryset):
        value = self.value()
        if value == WAITING:
            return queryset.open()
        if value in ReportStatus.values:
            return queryset.filter(status=value)
        return queryset

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ReportEventInline(admin.TabularInline):
    """The audit log: read-only for everyone."""

    model = ReportEvent
    fields = ("created_at", "action", "actor_name", "note", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "audit log entry"
    verbose_name_plural = "Audit log"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _admin_url(report: Report) -> str:
    item = report.item
    if item is None:
        return ""
    name = {
        ReportKind.POST: "admin:posts_post_change",
        ReportKind.COMMENT: "admin:posts_comment_change",
        ReportKind.MEMBER: "admin:accounts_user_change",
    }[report.kind]
    return reverse(name, args=[item.pk])


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%d %b %Y %H:%M} ({timesince(moment)} ago)"


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "status_line",
        "reason",
        "item_links",
        "reporter_line",
        "open_on_item_line",
        "age",
    )
    list_display_links = ("number",)
    list_filter = (ReportStatusFilter, "reason", "kind")
    list_select_related = ("reporter", "claimed_by", "post", "comment", "member")
    search_fields = (
        "item_label",
        "description",
        "page_path",
        "reporter__username",
        "reporter_email",
        "decision_note",
    )
    ordering = ("created_at", "pk")
    list_per_page = 50
    actions = ("claim_reports", "hide_items", "restore_items", "resolve_reports", "dismiss_reports")
    inlines = [ReportEventInline]
    fieldsets = (
        (None, {"fields": ("status_line", "reason", "description_text", "reporter_line")}),
        ("Item", {"fields": ("item_links", "item_state", "other_reports")}),
        ("Decision", {"fields": ("decided_by", "decided_at", "decision_note")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "status_line",
        "reason",
        "description_text",
        "reporter_line",
        "item_links",
        "item_state",
        "other_reports",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
        "updated_at",
    )

    # --- permissions: reports come from the site and are never edited or deleted ----
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the page is read-only; the queue's actions change reports

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("posts.change_report")

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_on_item()

    def lookup_allowed(self, lookup, value, request=None):
        # "Open reports on the same item" links to the list filtered by its item.
        return lookup == "item_key" or super().lookup_allowed(lookup, value, request)

    # --- columns and fields -----------------------------------------------------------
    @admin.display(description="report", ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description="status", ordering="status")
    def status_line(self, obj):
        if obj.status == ReportStatus.IN_REVIEW:
            who = obj.claimed_by.username if obj.claimed_by else "a former moderator"
            return format_html(
                '<span class="report-status report-status--{}">In review</span> by {}, since {}',
                obj.status,
                who,
                _when(obj.claimed_at),
            )
        return format_html(
            '<span class="report-status report-status--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description="details")
    def description_text(self, obj):
        if not obj.description:
            return "–"
        return mark_safe(linebreaks(obj.description, autoescape=True))  # noqa: S308 - escaped

    @admin.display(description="item")
    def item_links(self, obj):
        links = []
        if obj.item_url and not obj.item_gone:
            links.append(("on the site", obj.item_url))
        if admin_url := _admin_url(obj):
            links.append(("in the admin", admin_url))
        state = ""
        if obj.item_gone:
            state = " (deleted)"
        elif obj.item_is_hidden:
            state = " (hidden)"
        return format_html(
            '<span class="report-item__label">{}</span>{} {}',
            obj.item_label,
            state,
            format_html_join(" · ", '<a href="{}">{}</a>', ((url, text) for text, url in links)),
        )

    @admin.display(description="item now")
    def item_state(self, obj):
        if obj.kind == ReportKind.PAGE:
            return "A page cannot be hidden."
        item = obj.item
        if item is None:
            return "Deleted since it was reported."
        if obj.kind == ReportKind.MEMBER:
            hidden, pending, reason = (
                item.profile_hidden,
                item.profile_hidden_pending_review,
                item.profile_hidden_reason,
            )
        else:
            hidden, pending, reason = item.is_hidden, item.hidden_pending_review, item.hidden_reason
        if not hidden:
            return "Visible."
        if pending:
            return format_html(
                "Hidden automatically until a decision ({}). Resolving keeps it hidden; "
                "dismissing every open report of it restores it.",
                reason,
            )
        return format_html("Hidden by a moderator: {}", reason or "no reason given")

    @admin.display(description="reporter")
    def reporter_line(self, obj):
        if obj.reporter_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:accounts_user_change", args=[obj.reporter_id]),
                obj.reporter.username,
            )
        if obj.reporter_email:
            return format_html('{} <span class="quiet">(visitor)</span>', obj.reporter_email)
        return "Former member"

    @admin.display(description="open on item", ordering="open_on_item")
    def open_on_item_line(self, obj):
        count = obj.open_on_item
        if count <= 1:
            return count
        query = urlencode({"item_key": obj.item_key, "status": WAITING})
        return format_html(
            '<a href="{}?{}" title="All open reports of this item">{}</a>',
            reverse("admin:posts_report_changelist"),
            query,
            count,
        )

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at)

    @admin.display(description="other reports of this item")
    def other_reports(self, obj):
        others = (
            Report.objects.for_item(obj.item_key)
            .exclude(pk=obj.pk)
            .select_related("reporter")
            .order_by("-created_at")[:50]
        )
        if not others:
            return "None."
        return format_html(
            '<ul class="report-others">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">#{}</a> {} · {} · {} · {} ago</li>',
                (
                    (
                        reverse("admin:posts_report_change", args=[other.pk]),
                        other.pk,
                        other.get_status_display(),
                        other.get_reason_display(),
                        other.reporter_display,
                        timesince(other.created_at),
                    )
                    for other in others
                ),
            ),
        )

    # --- the report's page: action buttons with a note ---------------------------------
    def get_urls(self):
        act = self.admin_site.admin_view(self.act_view)
        return [path("<int:pk>/act/", act, name="posts_report_act"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        report = self.get_object(request, object_id)
        if report is not None:
            extra_context.setdefault(
                "action_form", ModeratorNoteForm(action="resolve", initial={"whole_item": True})
            )
            extra_context["queue_actions"] = self._page_actions(request, report)
            extra_context["open_on_item"] = report.open_on_item
        return super().change_view(request, object_id, form_url, extra_context)

    def _page_actions(self, request, report: Report) -> list[tuple[str, str]]:
        if not report.is_open or not self.has_moderate_permission(request):
            return []
        wanted = []
        if report.claimed_by_id != request.user.pk:
            wanted.append("claim")
        permission = HIDE_PERMISSIONS.get(report.kind)
        if report.item is not None and permission and request.user.has_perm(permission):
            hidden = report.item_is_hidden
            pending = hidden and (
                report.item.profile_hidden_pending_review
                if report.kind == ReportKind.MEMBER
                else report.item.hidden_pending_review
            )
            if not hidden or pending:
                wanted.append("hide")
            if hidden:
                wanted.append("restore")
        wanted += ["resolve", "dismiss"]
        labels = dict(ACTION_LABELS)
        if "hide" in wanted and "restore" in wanted:
            labels["hide"] = "Keep the item hidden"  # hidden automatically, not yet decided
        return [(action, labels[action]) for action in wanted]

    def act_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        report = get_object_or_404(Report, pk=pk)
        action = request.POST.get("action", "")
        if action not in ACTION_LABELS:
            messages.error(request, "Choose one of the actions.")
            return redirect("admin:posts_report_change", pk)
        form = ModeratorNoteForm(request.POST, action=action)
        if not form.is_valid():
            # Show the page again with the note kept and the error beside it.
            request.method = "GET"
            for error in form.errors.get("note", []):
                messages.error(request, f"{ACTION_LABELS[action]}: {error}")
            response = self.change_view(request, str(pk), extra_context={"action_form": form})
            response.status_code = 400
            return response
        self._apply(request, [report], action, form.cleaned_data)
        return redirect("admin:posts_report_change", pk)

    # --- list actions (each asks for a note first) --------------------------------------
    @admin.action(description="Claim selected reports", permissions=["moderate"])
    def claim_reports(self, request, queryset):
        return self._list_action(request, queryset, "claim")

    @admin.action(description="Hide the items of selected reports", permissions=["moderate"])
    def hide_items(self, request, queryset):
        return self._list_action(request, queryset, "hide")

    @admin.action(description="Restore the items of selected reports", permissions=["moderate"])
    def restore_items(self, request, queryset):
        return self._list_action(request, queryset, "restore")

    @admin.action(description="Resolve selected reports (action taken)", permissions=["moderate"])
    def resolve_reports(self, request, queryset):
        return self._list_action(request, queryset, "resolve")

    @admin.action(description="Dismiss selected reports", permissions=["moderate"])
    def dismiss_reports(self, request, queryset):
        return self._list_action(request, queryset, "dismiss")

    def _list_action(self, request, queryset, action: str):
        applying = "apply" in request.POST
        form = ModeratorNoteForm(
            request.POST if applying else None, action=action, initial={"whole_item": True}
        )
        if applying and form.is_valid():
            self._apply(
                request, list(queryset.order_by("created_at", "pk")), action, form.cleaned_data
            )
            return None
        return TemplateResponse(
            request,
            "admin/posts/report/action.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{ACTION_LABELS[action]}: add a note",
                "opts": self.model._meta,
                "reports": queryset.order_by("created_at", "pk"),
                "form": form,
                "action_name": LIST_ACTIONS[action],
                "action_label": ACTION_LABELS[action],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _apply(self, request, reports: list[Report], action: str, data: dict) -> None:
        """Run ``action`` on each report; say what was done and what was left to others."""
        note, whole_item = data.get("note", ""), data.get("whole_item", False)
        done, decided = [], set()
        for report in reports:
            if report.pk in decided:
                continue  # decided already with another report of the same item
            try:
                if action == "claim":
                    report_claim(report=report, by=request.user)
                elif action == "hide":
                    report_hide_item(report=report, by=request.user, note=note)
                elif action == "restore":
                    report_restore_item(report=report, by=request.user, note=note)
                else:
                    decide = report_resolve if action == "resolve" else report_dismiss
                    outcome = decide(
                        report=report, by=request.user, note=note, whole_item=whole_item
                    )
                    decided.update(r.pk for r in outcome.done)
                    done += [r for r in outcome.done if r.pk != report.pk]
                    for _other, why in outcome.skipped:
                        messages.warning(request, f"Left alone: {why}")
            except ReportConflict as conflict:
                messages.warning(request, str(conflict))
                continue
            except PermissionDenied:
                messages.error(
                    request, f"Report #{report.pk}: you do not have permission to do that."
                )
                continue
            done.append(report)
        if done:
            numbers = ", ".join(f"#{r.pk}" for r in done)
            verb = {
                "claim": "Claimed",
                "hide": "Hid the item of",
                "restore": "Restored the item of",
                "resolve": "Resolved",
                "dismiss": "Dismissed",
            }[action]
            messages.success(
                request,
                ngettext("%(verb)s report %(n)s.", "%(verb)s reports %(n)s.", len(done))
                % {"verb": verb, "n": numbers},
            )
