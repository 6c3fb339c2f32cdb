from django.urls import path

from accounts import views

app_name = "accounts"

# "me" is a reserved username (ACCOUNT_USERNAME_BLACKLIST), so these cannot collide
# with a member's profile URL.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/edit/", views.my_profile_edit, name="edit_me"),
    path("me/settings/", views.settings_index, name="settings"),
    path("me/export/", views.data_export, name="export"),
    path("me/delete/", views.delete, name="delete"),
    path("<str:username>/", views.profile, name="profile"),
    path("<str:username>/edit/", views.profile_edit, name="edit"),
]
