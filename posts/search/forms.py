from django import forms

from posts.search.results import SORTS, Filters


class SearchForm(forms.Form):
    """The search box and its filters, all from the query string (GET never writes)."""

    q = forms.CharField(label="Search", required=False, strip=True)
    journal = forms.CharField(required=False, max_length=200)
    year_from = forms.IntegerField(
        label="From year", required=False, min_value=1800, max_value=2200
    )
    year_to = forms.IntegerField(label="To year", required=False, min_value=1800, max_value=2200)
    type = forms.CharField(label="Article type", required=False, max_length=255)
    mesh = forms.CharField(label="MeSH term", required=False, max_length=255)
    keyword = forms.CharField(required=False, max_length=255)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(k, s.label) for k, s in SORTS.items()]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start and end and start > end:
            cleaned["year_from"], cleaned["year_to"] = end, start
        return cleaned

    def _value(self, name):
        # A field with an error is left out (and its message shown), never a 500.
        return None if name in self.errors else self.cleaned_data.get(name)

    def filters(self) -> Filters:
        return Filters(
            journal=self._value("journal") or "",
            year_from=self._value("year_from"),
            year_to=self._value("year_to"),
            article_type=self._value("type") or "",
            mesh=self._value("mesh") or "",
            keyword=self._value("keyword") or "",
        )

    def raw_query(self) -> str:
        return (self._value("q") or "") if self.is_bound else ""

    def sort_key(self) -> str:
        return self._value("sort") or ""
