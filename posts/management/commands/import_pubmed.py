from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from posts.pubmed.parser import parse_pubmed_xml
from posts.pubmed.pmids import parse_pmid_input
from posts.pubmed.records import PubmedError
from posts.services.imports import (
    ImportAction,
    ImportOutcome,
    eutils_client,
    posts_import_fetched,
    posts_import_parsed,
)

MAX_FILE_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import PubMed records as posts: from efetch XML files (--file), from PMIDs "
        "(fetched from E-utilities) or from a PubMed search (--query). Importing a PMID "
        "that is already on the site refreshes that post in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("pmids", nargs="*", help="PMIDs or PubMed URLs to fetch")
        parser.add_argument(
            "--file",
            dest="files",
            action="append",
            default=[],
            metavar="FILE.xml",
            help="a PubMed XML file (efetch output); repeat for several",
        )
        parser.add_argument("--query", help="a PubMed search; its results are imported")
        parser.add_argument(
            "--max",
            dest="max_results",
            type=int,
            default=20,
            help="most results to import for --query (1-10000)",
        )
        parser.add_argument("--user", help="username recorded as the poster of new posts")

    def handle(self, *args, pmids, files, query, max_results, user, **options):
        if not (pmids or files or query):
            raise CommandError("Give PMIDs, --file FILE.xml or --query TEXT (see --help).")
        if query is not None and not 1 <= max_results <= 10_000:
            raise CommandError("--max must be between 1 and 10000.")
        posted_by = self._user(user)
        wanted = parse_pmid_input(" ".join(pmids))
        if wanted.invalid:
            raise CommandError(f"Not PMIDs: {', '.join(wanted.invalid)}")

        outcomes: list[ImportOutcome] = []
        problems = 0
        for name in files:
            try:
                outcomes += posts_import_parsed(parsed=self._parse_file(name), posted_by=posted_by)
            except CommandError as error:
                self.stderr.write(self.style.ERROR(str(error)))
                problems += 1

        to_fetch = list(wanted.pmids)
        client = eutils_client() if (to_fetch or query) else None
        if query:
            try:
                found = client.search(query.strip(), max_results=max_results)
            except PubmedError as error:
                raise CommandError(f"PubMed search failed: {error}") from None
            self.stdout.write(f"PubMed search found {len(found)} record(s) for {query!r}.")
            to_fetch += [pmid for pmid in found if pmid not in to_fetch]
        if to_fetch:
            try:
                fetched = client.fetch(to_fetch, on_batch=self._progress)
            except PubmedError as error:
                raise CommandError(f"Fetching from PubMed failed: {error}") from None
            outcomes += posts_import_fetched(fetched=fetched, posted_by=posted_by)

        for outcome in outcomes:
            self._report(outcome)
        failed = problems + sum(
            1 for o in outcomes if o.action in (ImportAction.FAILED, ImportAction.NOT_FOUND)
        )
        counts = {action: sum(1 for o in outcomes if o.action == action) for action in ImportAction}
        summary = ", ".join(f"{n} {action.label}" for action, n in counts.items() if n)
        self.stdout.write(f"Done: {summary or 'nothing imported'}.")
        if failed:
            raise CommandError(f"{failed} record(s) or file(s) could not be imported.")

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def _parse_file(self, name: str):
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MB.")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{name}: cannot read it ({error.strerror}).") from None
        try:
            return parse_pubmed_xml(data)
        except PubmedError as error:
            raise CommandError(f"{name}: {error}") from None

    def _report(self, outcome: ImportOutcome):
        style = {
            ImportAction.CREATED: self.style.SUCCESS,
            ImportAction.UPDATED: self.style.SUCCESS,
            ImportAction.SKIPPED: self.style.WARNING,
        }.get(outcome.action, self.style.ERROR)
        self.stdout.write(style(outcome.describe()))

    def _progress(self, done: int, total: int):
        # Only worth drawing on a terminal, and only when there is more than one batch.
        if total <= 200 or not self.stdout.isatty():
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done == total else ""
        self.stdout.write(f"\rFetching from PubMed [{bar}] {done} of {total}", ending=end)
