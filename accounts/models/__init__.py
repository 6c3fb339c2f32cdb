"""The accounts app's models, one module per concern; importing them here registers them."""

from accounts.models.email import OutgoingEmail
from accounts.models.member import FORMER_MEMBER, MemberManager, Role, Subspecialty, User
from accounts.models.retired import RetiredUsername

__all__ = [
    "FORMER_MEMBER",
    "MemberManager",
    "OutgoingEmail",
    "RetiredUsername",
    "Role",
    "Subspecialty",
    "User",
]
