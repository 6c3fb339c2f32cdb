from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The radRounds member. Profile fields arrive with the members issue."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
