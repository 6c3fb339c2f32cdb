"""Forms of Report an Issue: the report itself, and a moderator's note in the queue."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

from posts.models.reports import MAX_DESCRIPTION_LENGTH, MAX_PAGE_PATH_LENGTH, ReportReason
from posts.services.reports import normalise_text

PAGE_ERROR = "Give the address of a page on this site, starting with /, such as /posts/12/."


def same_site_path(raw: str, *, host: str) -> str | None:
    """``raw`` as a path on this site (``/posts/12/x/?page=2``), or None if it is not one.

    Accepts a path, or a full http(s) address of this very host (people paste those);
    refuses other sites, scheme-relative ``//host`` and anything with control characters
    or backslashes. The fragment is dropped.
    """
    raw = raw.strip()
    if not raw:
        return ""
    if any(ord(ch) < 32 or ch in "\\\x7f" for ch in raw) or len(raw) > MAX_PAGE_PATH_LENGTH:
        return None
    parts = urlsplit(raw)
    foreign = parts.scheme not in {"http", "https"} or parts.netloc.lower() != host.lower()
    if (parts.scheme or parts.netloc) and foreign:
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong."},
    )
    description = forms.CharField(
        label="Details",
        required=False,
        strip=False,
        # Checked after line endings are normalised (a browser's CRLF would count twice).
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_DESCRIPTION_LENGTH}),
        help_text=(
            "Up to 2,000 characters; needed when you choose “Other”. Say what is wrong and "
            "where. Please do not repeat a patient's details here."
        ),
    )
    page = forms.CharField(
        label="Page",
        required=False,
        max_length=MAX_PAGE_PATH_LENGTH,
        help_text="The address of the page, e.g. /posts/12/. Leave it empty if your report "
        "is about the site as a whole.",
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="We send you a receipt and the moderators' decision, and use it for "
        "nothing else.",
        error_messages={"required": "Give your email address so the decision can reach you."},
    )
    # The honeypot: hidden from people (CSS, tabindex, aria-hidden), filled in by bots.
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, visitor: bool, about_page: bool, host: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.host = host
        if not visitor:
            del self.fields["email"]
            del self.fields["homepage"]
        if not about_page:
            del self.fields["page"]

    @property
    def is_trap(self) -> bool:
        """A bot filled in the field people never see."""
        return bool(self.cleaned_data.get("homepage"))

    def clean_description(self):
        text = normalise_text(self.cleaned_data["description"])
        if len(text) > MAX_DESCRIPTION_LENGTH:
            raise ValidationError(
                "Details can be at most %(limit)s characters; these have %(length)s.",
                code="too_long",
                params={"limit": f"{MAX_DESCRIPTION_LENGTH:,}", "length": f"{len(text):,}"},
            )
        return text

    def clean_page(self):
        path = same_site_path(self.cleaned_data["page"], host=self.host)
        if path is None:
            raise ValidationError(PAGE_ERROR, code="not_this_site")
        return path

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReportReason.OTHER and not data.get("description"):
            self.add_error(
                "description",
                ValidationError(
                    "Say what is wrong: details are needed when you choose “Other”.",
                    code="required",
                ),
            )
        return data


class ModeratorNoteForm(forms.Form):
    """A moderator's note with a queue action; required for hiding and deciding."""

    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    whole_item = forms.BooleanField(
        label="Decide every open report of the same item with this note",
        required=False,
        initial=True,
    )

    # Hiding: the note is the reason the author is given (it is stored with the item).
    LIMITS = {"hide": 300}
    REQUIRED = {"hide", "resolve", "dismiss"}
    HELP = {
        "claim": "Optional.",
        "hide": "Required: the reason the author is given (at most 300 characters).",
        "restore": "Optional: why it is visible again (kept in the audit log).",
        "resolve": "Required: the reporter gets this with the decision.",
        "dismiss": "Required: the reporter gets this with the decision.",
    }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        note = self.fields["note"]
        note.help_text = self.HELP.get(action, "")
        if action in self.LIMITS:
            note.widget.attrs["maxlength"] = self.LIMITS[action]

    @property
    def decides(self) -> bool:
        """Resolving or dismissing: the only actions "every open report of the item" applies to."""
        return self.action in {"resolve", "dismiss"}

    def clean_note(self):
        note = normalise_text(self.cleaned_data["note"])
        limit = self.LIMITS.get(self.action, 2000)
        if len(note) > limit:
            raise ValidationError(
                "The note can be at most %(limit)s characters.",
                code="too_long",
                params={"limit": limit},
            )
        if self.action in self.REQUIRED and not note:
            raise ValidationError(
                "Write a note: it is what the reporter or the author is told.", code="required"
            )
        return note
