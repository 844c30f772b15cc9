from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's password check, refusing an account past its expiry date as it refuses an
    inactive one: at sign-in, and for a session already open (checked on every request)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "has_expired", False)
