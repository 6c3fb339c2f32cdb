from django.urls import path

from posts.views import (
    badges,
    citing,
    discussion,
    engagement,
    notifications,
    reading,
    reports,
    search,
    sponsors,
)

app_name = "posts"

urlpatterns = [
    path("", reading.home, name="home"),
    path("discussed/", reading.discussed, name="discussed"),
    path("following/", reading.following, name="following"),
    path("saved/", engagement.saved, name="saved"),
    path("search/", search.search, name="search"),
    path("posts/pmid/<int:pmid>/", reading.by_pmid, name="by_pmid"),
    path("posts/<int:pk>/cite.ris", citing.ris, name="cite_ris"),
    path("posts/<int:pk>/cite.bib", citing.bibtex, name="cite_bib"),
    path("posts/<int:pk>/", reading.detail, name="detail_no_slug"),
    path("posts/<int:pk>/comment/", discussion.create, name="comment_create"),
    path("posts/<int:pk>/like/", engagement.post_like, name="post_like"),
    path("posts/<int:pk>/save/", engagement.post_save, name="post_save"),
    path("posts/<int:pk>/follow/", engagement.post_follow, name="post_follow"),
    path("posts/<int:pk>/<str:slug>/", reading.detail, name="detail"),
    path("comments/<int:pk>/", discussion.permalink, name="comment"),
    path("comments/<int:pk>/reply/", discussion.reply, name="comment_reply"),
    path("comments/<int:pk>/edit/", discussion.edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", discussion.delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", discussion.hide, name="comment_hide"),
    path("comments/<int:pk>/unhide/", discussion.unhide, name="comment_unhide"),
    path("comments/<int:pk>/like/", engagement.comment_like, name="comment_like"),
    # /members/<username>/ is the accounts app's; following a member is a discussion act.
    path("members/<str:username>/follow/", engagement.member_follow, name="member_follow"),
    path("notifications/", notifications.index, name="notifications"),
    path("notifications/read/", notifications.read_all, name="notifications_read"),
    path("notifications/<int:pk>/open/", notifications.open_one, name="notification_open"),
    path("notifications/email/", notifications.email_settings, name="email_settings"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe,
        name="unsubscribe",
    ),
]

# Everything under /badges/ (one prefix, so headers for embedded images can target it).
badge_patterns = (
    [
        path("", badges.index, name="index"),
        path("network.png", badges.network_png, name="network"),
        path("members/<str:username>.png", badges.member_png, name="member"),
        path("posts/<int:pk>.png", badges.post_png, name="post"),
    ],
    "badges",
)

sponsor_patterns = (
    [
        path("<int:pk>/click/", sponsors.click, name="click"),
        path("impressions/", sponsors.impression, name="impression"),
    ],
    "sponsors",
)

# Report an Issue: the forms (one per kind of item), the confirmation and a member's
# own reports. The queue itself is in the admin.
report_patterns = (
    [
        path("report/", reports.report_site, name="site"),
        path("report/post/<int:pk>/", reports.report_post, name="post"),
        path("report/comment/<int:pk>/", reports.report_comment, name="comment"),
        path("report/member/<str:username>/", reports.report_member, name="member"),
        path("report/sent/", reports.sent, name="sent"),
        path("reports/mine/", reports.mine, name="mine"),
    ],
    "reports",
)
