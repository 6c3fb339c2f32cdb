from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from accounts.models import FORMER_MEMBER
from accounts.templatetags.members import member_name
from posts import admin_import
from posts.comment_forms import CommentHideForm
from posts.forms import PostAdminForm
from posts.markup import sanitize_inline
from posts.models import Comment, Post
from posts.services.discussion import comments_hide, comments_unhide
from posts.services.moderation import posts_hide, posts_restore
from posts.services.search_index import post_index, posts_unindex
from posts.tasks import rebuild_search_index
from radrounds.background import enqueue


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    # Few, readable columns: the title cell carries journal, year and PMID (and, on a
    # phone, poster and status too) so nothing needs sideways scrolling.
    list_display = ("title_display", "poster", "status", "view_count", "comment_count", "posted_on")
    list_display_links = ("title_display",)
    list_filter = ("is_hidden", "pub_year", "journal_abbrev")
    list_select_related = ("posted_by",)
    list_per_page = 50
    search_fields = ("title", "=pmid", "doi", "search_document")
    readonly_fields = (
        "view_count",
        "comment_count",
        "like_count",
        "refreshed_at",
        "created_at",
        "updated_at",
        "slug",
        "hidden_reason",
        "hidden_by",
        "hidden_at",
        "hidden_pending_review",
    )
    raw_id_fields = ("posted_by",)
    actions = ("hide_posts", "unhide_posts")
    fieldsets = (
        (None, {"fields": ("title", "slug", "posted_by")}),
        (
            "Visibility",
            {
                "fields": (
                    ("is_hidden", "hidden_pending_review"),
                    "hidden_reason",
                    ("hidden_by", "hidden_at"),
                )
            },
        ),
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
        (
            "Activity",
            {
                "fields": (
                    ("view_count", "comment_count", "like_count"),
                    "created_at",
                    "updated_at",
                    "refreshed_at",
                )
            },
        ),
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
        if "is_hidden" in form.changed_data:
            # The checkbox: who hid it and when, like the actions (no reason given).
            obj.hidden_by = request.user if obj.is_hidden else None
            obj.hidden_at = timezone.now() if obj.is_hidden else None
            obj.hidden_reason = ""
            obj.hidden_pending_review = False
        super().save_model(request, obj, form, change)
        post_index(post=obj)

    def delete_model(self, request, obj):
        posts_unindex(post_ids=[obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        posts_unindex(post_ids=list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)

    def has_hide_permission(self, request):
        return request.user.has_perm("posts.hide_post")

    @admin.action(description="Hide selected posts", permissions=["hide"])
    def hide_posts(self, request, queryset):
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(description="Unhide selected posts", permissions=["hide"])
    def unhide_posts(self, request, queryset):
        self._set_hidden(request, queryset, hidden=False)

    def _set_hidden(self, request, queryset, *, hidden: bool):
        if hidden:
            count = posts_hide(posts=queryset.filter(is_hidden=False), by=request.user)
        else:
            count = posts_restore(posts=queryset)
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


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The discussion, for moderators: find comments and hide them with a reason."""

    list_display = ("excerpt", "post_title", "author_name", "created_at", "is_hidden")
    list_display_links = ("excerpt",)
    list_filter = ("is_hidden", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("post", "author")
    search_fields = ("body", "author__username", "author__display_name", "post__title")
    date_hierarchy = "created_at"
    actions = ("hide_comments", "unhide_comments")
    fields = (
        "post",
        "parent",
        "author",
        "author_left",
        "body",
        "created_at",
        "edited_at",
        "is_deleted",
        "like_count",
        "is_hidden",
        "hidden_reason",
        "hidden_by",
        "hidden_at",
        "hidden_pending_review",
    )
    # Comments are what members wrote: moderators hide them (actions), never rewrite them.
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # members write comments on the site

    @admin.display(description="comment")
    def excerpt(self, obj):
        return "[deleted]" if obj.is_deleted else obj.excerpt

    @admin.display(description="post", ordering="post__title")
    def post_title(self, obj):
        return obj.post.title_text[:80]

    @admin.display(description="author", ordering="author__username")
    def author_name(self, obj):
        return member_name(obj.author)

    def has_hide_permission(self, request):
        return request.user.has_perm("posts.hide_comment")

    @admin.action(description="Hide selected comments (with a reason)", permissions=["hide"])
    def hide_comments(self, request, queryset):
        form = CommentHideForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = comments_hide(
                comments=queryset, by=request.user, reason=form.cleaned_data["reason"]
            )
            self.message_user(
                request,
                ngettext("%d comment hidden.", "%d comments hidden.", count) % count,
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/posts/comment/hide.html",
            {
                **self.admin_site.each_context(request),
                "title": "Hide comments",
                "opts": self.model._meta,
                "comments": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Unhide selected comments", permissions=["hide"])
    def unhide_comments(self, request, queryset):
        count = comments_unhide(comments=queryset)
        self.message_user(
            request,
            ngettext("%d comment visible again.", "%d comments visible again.", count) % count,
            messages.SUCCESS,
        )


# Sponsors, achievement badges, site pages and reports each have an admin module of their own.
from posts import admin_badges, admin_pages, admin_reports, admin_sponsors  # noqa: E402, F401
