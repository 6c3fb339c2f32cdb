from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from accounts.models import FORMER_MEMBER
from posts import admin_import
from posts.forms import PostAdminForm
from posts.markup import sanitize_inline
from posts.models import Post
from posts.services.search_index import post_index, posts_set_hidden, posts_unindex
from posts.tasks import rebuild_search_index
from radrounds.background import enqueue


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    # Few, readable columns: the title cell carries journal, year and PMID (and, on a
    # phone, poster and status too) so nothing needs sideways scrolling.
    list_display = ("title_display", "poster", "status", "view_count", "posted_on")
    list_display_links = ("title_display",)
    list_filter = ("is_hidden", "pub_year", "journal_abbrev")
    list_select_related = ("posted_by",)
    list_per_page = 50
    search_fields = ("title", "=pmid", "doi", "search_document")
    readonly_fields = ("view_count", "refreshed_at", "created_at", "updated_at", "slug")
    raw_id_fields = ("posted_by",)
    actions = ("hide_posts", "unhide_posts")
    fieldsets = (
        (None, {"fields": ("title", "slug", "is_hidden", "posted_by")}),
        (
            "Citation",
            {
                "fields": (
                    ("pmid", "doi", "pmcid"),
                    ("journal_title", "journal_abbrev"),
                    ("volume", "issue", "pages"),
                    ("pub_date", "pub_year", "language"),
                    ("pub_model", "article_date", "publication_status"),
                )
            },
        ),
        ("Content", {"fields": ("authors_text", "abstract_text", "copyright")}),
        (
            "Indexing",
            {"fields": ("publication_types_text", "mesh_text", "keywords_text")},
        ),
        ("Activity", {"fields": ("view_count", "created_at", "updated_at", "refreshed_at")}),
    )

    class Media:
        css = {"all": ["css/admin-posts.css"]}

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, self))

        return [
            path("import/", view(admin_import.import_start), name="posts_post_import"),
            path(
                "import/<slug:token>/",
                view(admin_import.import_preview),
                name="posts_post_import_preview",
            ),
            path(
                "import/<slug:token>/results/",
                view(admin_import.import_results),
                name="posts_post_import_results",
            ),
            path(
                "search-index/",
                view(PostAdmin.rebuild_index_view),
                name="posts_post_rebuild_index",
            ),
            *super().get_urls(),
        ]

    # --- the list ----------------------------------------------------------------
    @admin.display(description="post", ordering="title")
    def title_display(self, obj):
        # Titles carry PubMed's inline markup (<i>, <sup> ...): shown, through the allow-list.
        source = " · ".join(
            str(part)
            for part in (
                obj.journal_abbrev or obj.journal_title,
                obj.pub_year,
                f"PMID {obj.pmid}" if obj.pmid else "no PMID",
            )
            if part
        )
        return format_html(
            '<span class="post-title">{}</span><span class="post-source">{}</span>'
            '<span class="post-narrow">{} · {}</span>',
            mark_safe(sanitize_inline(obj.title)),  # noqa: S308 - sanitised by allow-list
            source,
            self.poster(obj),
            self.status(obj),
        )

    @admin.display(description="posted by", ordering="posted_by__username")
    def poster(self, obj):
        if obj.posted_by is not None:
            return obj.posted_by.name
        return FORMER_MEMBER if obj.poster_left else "Imported"

    @admin.display(description="posted", ordering="created_at")
    def posted_on(self, obj):
        return format_html(
            '<time datetime="{}">{}</time>',
            obj.created_at.isoformat(),
            f"{obj.created_at:%d %b %Y}",
        )

    @admin.display(description="status", ordering="is_hidden")
    def status(self, obj):
        if obj.is_hidden:
            return format_html('<span class="post-status post-status--hidden">{}</span>', "Hidden")
        return format_html('<span class="post-status">{}</span>', "Visible")

    # --- writes: every one keeps the search index in step -------------------------
    def save_model(self, request, obj, form, change):
        if not change and obj.posted_by_id is None:
            obj.posted_by = request.user
        super().save_model(request, obj, form, change)
        post_index(post=obj)

    def delete_model(self, request, obj):
        posts_unindex(post_ids=[obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        posts_unindex(post_ids=list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)

    @admin.action(description="Hide selected posts", permissions=["change"])
    def hide_posts(self, request, queryset):
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(description="Unhide selected posts", permissions=["change"])
    def unhide_posts(self, request, queryset):
        self._set_hidden(request, queryset, hidden=False)

    def _set_hidden(self, request, queryset, *, hidden: bool):
        count = posts_set_hidden(
            post_ids=list(queryset.values_list("pk", flat=True)), hidden=hidden
        )
        verb = "hidden" if hidden else "visible again"
        self.message_user(
            request,
            ngettext("%(n)d post is %(verb)s.", "%(n)d posts are %(verb)s.", count)
            % {"n": count, "verb": verb},
            messages.SUCCESS,
        )

    def rebuild_index_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if request.method == "POST":
            enqueue(rebuild_search_index)
            self.message_user(
                request,
                "The search index is being rebuilt in the background; search keeps working "
                "meanwhile.",
                messages.SUCCESS,
            )
            return redirect("admin:posts_post_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Rebuild the search index",
        }
        return TemplateResponse(request, "admin/posts/post/rebuild_index.html", context)
