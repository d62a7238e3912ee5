"""The refusals of the accounts' rules, in one place: each carries a message fit to show."""


class AccountError(ValueError):
    """A refusal with a message fit to show to the person who asked."""


class EmailTakenError(AccountError):
    """Another account already uses this email address."""


class RoleError(AccountError):
    """A role cannot be granted or removed."""


class LastAdminError(RoleError):
    """Removing the role would leave the installation without an administrator."""


class InvalidLinkError(AccountError):
    """An emailed link that cannot be used: tampered, used already, or expired."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


class InvalidResetLinkError(InvalidLinkError):
    """A password reset link that cannot be used."""


class InvalidInvitationError(InvalidLinkError):
    """An invitation link that cannot be used."""
