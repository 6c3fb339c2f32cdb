from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.core.exceptions import ValidationError

from accounts.avatars import process_avatar
from accounts.models import Role, Subspecialty, User
from accounts.services import PROFILE_FIELDS


class ProfileForm(forms.ModelForm):
    """The public profile, plus an optional new avatar (validated by decoding it)."""

    avatar_upload = forms.FileField(
        label="Profile picture",
        required=False,
        help_text="JPEG, PNG or WebP, up to 5 MB. It is cropped to a square.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    avatar_remove = forms.BooleanField(label="Remove my picture", required=False)
    website = forms.URLField(
        label="Personal website",
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
        }
        help_texts = {
            "bio": "Up to 1,000 characters. Links become clickable.",
            "institution": "Hospital, practice or university.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.processed_avatar = None
        autocomplete = {
            "display_name": "name",
            "institution": "organization",
            "city": "address-level2",
            "country": "country-name",
            "website": "url",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean_avatar_upload(self):
        upload = self.cleaned_data.get("avatar_upload")
        if not upload:
            return None
        # process_avatar checks size, format and pixels, raising ValidationError.
        self.processed_avatar = process_avatar(upload)
        return upload


class DirectoryFilterForm(forms.Form):
    """The member directory's search box and filters (GET; every field optional)."""

    q = forms.CharField(label="Name or institution", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Role.choices]
    )
    subspecialty = forms.ChoiceField(
        label="Subspecialty",
        required=False,
        choices=[("", "Any subspecialty"), *Subspecialty.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        queryset = queryset.search(data["q"])
        if data["role"]:
            queryset = queryset.filter(role=data["role"])
        if data["subspecialty"]:
            queryset = queryset.filter(subspecialty=data["subspecialty"])
        return queryset


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, where only a *verified* address can already be taken.

    An address someone added to their account but never confirmed proves nothing: it
    must not keep its real owner from signing up (and holding other people's
    addresses hostage would be an easy way to annoy them). The new account gets the
    address unverified too; whoever confirms it first keeps it.
    """

    def validate_unique_email(self, value):
        if not EmailAddress.objects.filter(email__iexact=value, verified=True).exists():
            self.account_already_exists = False
            return value
        return super().validate_unique_email(value)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand my account and profile will be deleted permanently.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        # allauth's re-authentication counts failures like a sign-in (same per-account
        # lock), so this form cannot be used to guess a signed-in member's password.
        password = self.cleaned_data["password"]
        if not get_adapter().reauthenticate(self.user, password):
            raise ValidationError("That is not your current password.", code="password_incorrect")
        return password
