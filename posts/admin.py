from functools import partial

from django.contrib import admin, messages
from django.urls import path
from django.utils.translation import ngettext

from posts import admin_import
from posts.forms import PostAdminForm
from posts.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = (
        "title_text",
        "pmid",
        "journal_abbrev",
        "pub_year",
        "view_count",
        "posted_by",
        "is_hidden",
        "created_at",
    )
    list_display_links = ("title_text",)
    list_filter = ("is_hidden", "pub_year", "journal_abbrev")
    list_select_related = ("posted_by",)
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
            *super().get_urls(),
        ]

    @admin.display(description="title", ordering="title")
    def title_text(self, obj):
        return obj.title_text

    def save_model(self, request, obj, form, change):
        if not change and obj.posted_by_id is None:
            obj.posted_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Hide selected posts", permissions=["change"])
    def hide_posts(self, request, queryset):
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(description="Unhide selected posts", permissions=["change"])
    def unhide_posts(self, request, queryset):
        self._set_hidden(request, queryset, hidden=False)

    def _set_hidden(self, request, queryset, *, hidden: bool):
        count = queryset.update(is_hidden=hidden)
        verb = "hidden" if hidden else "visible again"
        self.message_user(
            request,
            ngettext("%(n)d post is %(verb)s.", "%(n)d posts are %(verb)s.", count)
            % {"n": count, "verb": verb},
            messages.SUCCESS,
        )
