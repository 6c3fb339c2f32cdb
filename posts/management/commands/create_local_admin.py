import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

USERNAME = "admin"
EMAIL = "admin@localhost"


class Command(BaseCommand):
    help = (
        "On a local machine only: create the superuser 'admin' with a random password, "
        "printed once. Does nothing if 'admin' already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the sign-in link printed with the password.",
        )

    def handle(self, *args, site_url: str = "http://127.0.0.1:8000", **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing in production mode: create staff accounts with createsuperuser."
            )
        User = get_user_model()
        if User.objects.filter(username=USERNAME).exists():
            self.stdout.write(f"The local admin account '{USERNAME}' already exists.")
            return
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_superuser(USERNAME, EMAIL, password)
            EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
        bar = "=" * 64
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{bar}\n Local admin created. Sign in at {site_url.rstrip('/')}/admin/\n"
                f"   username: {USERNAME}\n   password: {password}\n"
                f" This password is shown only once.\n{bar}\n"
            )
        )
