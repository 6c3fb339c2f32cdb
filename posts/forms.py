import re

from django import forms

from posts.importing import MAX_RECORDS
from posts.markup import sanitize_inline
from posts.models import Post
from posts.pubmed.pmids import parse_pmid_input

INITIALS = re.compile(r"^[A-Z]{1,4}$")
LABEL = re.compile(r"^([A-Z][A-Z0-9 ,&/()-]{1,60}):\s+(.+)$", re.DOTALL)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PostAdminForm(forms.ModelForm):
    """Lets an admin write or correct a post in plain text instead of JSON.

    The model keeps lists as JSON (read whole with the post, so pages stay at a
    fixed query count); this form converts both ways.
    """

    authors_text = forms.CharField(
        label="Authors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "One per line, as PubMed writes them: <code>Fritz J</code>. A group name on its own "
            "line is kept whole. Add affiliations after a bar: "
            "<code>Fritz J | Department of Radiology, Tübingen</code>."
        ),
    )
    abstract_text = forms.CharField(
        label="Abstract",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "Paragraphs separated by a blank line. Start a paragraph with an upper-case label "
            "and a colon for a structured abstract: <code>RESULTS: ...</code>. Inline "
            "&lt;i&gt;, &lt;sup&gt;, &lt;sub&gt; are kept; other markup is escaped."
        ),
    )
    mesh_text = forms.CharField(
        label="MeSH terms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line; start with * for a major topic; qualifiers after a slash.",
    )
    keywords_text = forms.CharField(
        label="Keywords", required=False, help_text="Separated by commas or semicolons."
    )
    publication_types_text = forms.CharField(
        label="Publication types", required=False, help_text="Separated by commas."
    )

    class Meta:
        model = Post
        fields = (
            "title",
            "is_hidden",
            "posted_by",
            "pmid",
            "doi",
            "pmcid",
            "journal_title",
            "journal_abbrev",
            "volume",
            "issue",
            "pages",
            "pub_date",
            "pub_year",
            "pub_model",
            "article_date",
            "publication_status",
            "language",
            "copyright",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        post = self.instance
        self.initial.setdefault("authors_text", "\n".join(_author_line(a) for a in post.authors))
        self.initial.setdefault(
            "abstract_text",
            "\n\n".join(
                f"{s['label']}: {s['text']}" if s.get("label") else s.get("text", "")
                for s in post.abstract
            ),
        )
        self.initial.setdefault(
            "mesh_text",
            "\n".join(
                ("*" if m.get("major") else "")
                + " / ".join([m.get("descriptor", ""), *m.get("qualifiers", [])])
                for m in post.mesh_terms
            ),
        )
        self.initial.setdefault("keywords_text", "; ".join(post.keywords))
        self.initial.setdefault("publication_types_text", ", ".join(post.publication_types))

    def clean_title(self):
        title = sanitize_inline(self.cleaned_data["title"]).strip()
        if not title:
            raise forms.ValidationError("A post needs a title.", code="required")
        return title

    def clean_authors_text(self):
        # Keep what the text form does not show (full fore names) for unchanged authors.
        known = {_author_name(a): a for a in self.instance.authors}
        authors = []
        for line in _lines(self.cleaned_data["authors_text"]):
            name, *affiliations = [part.strip() for part in line.split("|")]
            if not name:
                raise forms.ValidationError(
                    "Each author line needs a name before any '|'.", code="invalid"
                )
            *last, initials = name.split()
            author = {"last_name": "", "fore_name": "", "initials": "", "collective_name": ""}
            if name in known:
                author = dict(known[name])
            elif last and INITIALS.match(initials):
                author.update(last_name=" ".join(last), initials=initials)
            else:
                author["collective_name"] = name
            author["affiliations"] = [a for a in affiliations if a]
            authors.append(author)
        return authors

    def clean_abstract_text(self):
        sections = []
        for paragraph in re.split(r"\n\s*\n", self.cleaned_data["abstract_text"].strip()):
            paragraph = " ".join(paragraph.split())
            if not paragraph:
                continue
            match = LABEL.match(paragraph)
            label, text = match.groups() if match else ("", paragraph)
            sections.append({"label": label, "text": sanitize_inline(text)})
        return sections

    def clean_mesh_text(self):
        terms = []
        for line in _lines(self.cleaned_data["mesh_text"]):
            major = line.startswith("*")
            descriptor, *qualifiers = [p.strip() for p in line.lstrip("*").split("/")]
            if descriptor:
                terms.append(
                    {
                        "descriptor": descriptor,
                        "major": major,
                        "qualifiers": [q for q in qualifiers if q],
                    }
                )
        return terms

    def clean_keywords_text(self):
        return [
            k.strip() for k in re.split(r"[;,\n]", self.cleaned_data["keywords_text"]) if k.strip()
        ]

    def clean_publication_types_text(self):
        return [
            t.strip() for t in self.cleaned_data["publication_types_text"].split(",") if t.strip()
        ]

    def save(self, commit=True):
        post = super().save(commit=False)
        post.authors = self.cleaned_data["authors_text"]
        post.abstract = self.cleaned_data["abstract_text"]
        post.mesh_terms = self.cleaned_data["mesh_text"]
        post.keywords = self.cleaned_data["keywords_text"]
        post.publication_types = self.cleaned_data["publication_types_text"]
        if commit:
            post.save()
            self.save_m2m()
        return post


def _author_name(author: dict) -> str:
    return author.get("collective_name") or " ".join(
        p for p in (author.get("last_name"), author.get("initials")) if p
    )


def _author_line(author: dict) -> str:
    return " | ".join([_author_name(author), *author.get("affiliations", [])])


class PubmedImportForm(forms.Form):
    """What an admin wants imported: pasted PMIDs/URLs, a PubMed search, or an XML file."""

    MAX_FILE_BYTES = 20 * 1024 * 1024

    pmids = forms.CharField(
        label="PMIDs or PubMed links",
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": "29963580, 27797938\nhttps://pubmed.ncbi.nlm.nih.gov/12091962/",
            }
        ),
        help_text="Separated by spaces, commas or new lines. PMID: 123 and PubMed URLs work too.",
    )
    query = forms.CharField(
        label="or a PubMed search",
        required=False,
        max_length=500,
        help_text="The same syntax as on PubMed, e.g. <code>radiographics[ta] AND 2007[dp]</code>.",
    )
    max_results = forms.IntegerField(
        label="Most results to import", min_value=1, max_value=MAX_RECORDS, initial=20
    )
    xml_file = forms.FileField(
        label="or a PubMed XML file",
        required=False,
        help_text="efetch output, or PubMed's Save › PubMed format (XML). At most 20 MB.",
    )

    def clean_pmids(self):
        wanted = parse_pmid_input(self.cleaned_data["pmids"])
        if wanted.invalid:
            shown = ", ".join(wanted.invalid[:10]) + (" …" if len(wanted.invalid) > 10 else "")
            raise forms.ValidationError(
                "These are not PMIDs (positive whole numbers or PubMed links): %(junk)s",
                code="invalid",
                params={"junk": shown},
            )
        if len(wanted.pmids) > MAX_RECORDS:
            raise forms.ValidationError(
                "At most %(max)d PMIDs at a time.", code="too_many", params={"max": MAX_RECORDS}
            )
        return wanted.pmids

    def clean_xml_file(self):
        upload = self.cleaned_data["xml_file"]
        if not upload:
            return upload
        if upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.", code="too_large")
        # The same cap as pasted PMIDs, counted without parsing (the full parse may run
        # in the background): each record opens with one of these two elements.
        data = upload.read()
        upload.seek(0)
        records = data.count(b"<PubmedArticle>") + data.count(b"<PubmedArticle ")
        records += data.count(b"<PubmedBookArticle>") + data.count(b"<PubmedBookArticle ")
        if records > MAX_RECORDS:
            raise forms.ValidationError(
                "The file holds %(n)d records; at most %(max)d can be imported at a time.",
                code="too_many",
                params={"n": records, "max": MAX_RECORDS},
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        given = [
            name
            for name in ("pmids", "query", "xml_file")
            if cleaned.get(name) and (name != "query" or cleaned[name].strip())
        ]
        if not given and not self.errors:
            raise forms.ValidationError(
                "Paste PMIDs, type a PubMed search or choose an XML file.", code="empty"
            )
        if len(given) > 1:
            raise forms.ValidationError(
                "Use one source at a time: PMIDs, a search or a file.", code="several"
            )
        return cleaned
