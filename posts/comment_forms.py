"""Forms of the discussion: writing a comment, hiding one, email choices."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from posts import comment_text
from posts.models import EmailPreferences
from posts.models.discussion import MAX_COMMENT_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        strip=False,
        # The length is checked after line endings are normalised (browsers send CRLF,
        # which would count a new line twice), so no max_length here.
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_LENGTH}),
        help_text="Plain text. Links and @username mentions become clickable.",
        error_messages={"required": "Write something before posting."},
    )
    # One per rendered form: sending the same form twice posts one comment.
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, label: str | None = None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label

    def clean_body(self):
        body = comment_text.normalise(self.cleaned_data["body"])
        if not body:
            raise ValidationError("Write something before posting.", code="empty")
        if len(body) > MAX_COMMENT_LENGTH:
            raise ValidationError(
                "Comments can be at most %(limit)s characters; this one has %(length)s.",
                code="too_long",
                params={"limit": f"{MAX_COMMENT_LENGTH:,}", "length": f"{len(body):,}"},
            )
        return body


class CommentHideForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="Shown to the author and to staff, e.g. “Personal attack”.",
    )


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = ("email_reply", "email_mention", "email_comment")
