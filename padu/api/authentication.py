from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from padu.accounts.services import note_token_use, token_for_key


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer padu_…``: a token made with ``padu api token``. The call is
    the token's user's, within the token's scopes; an expired or revoked token, or one
    whose account is closed or expired, is refused."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tulis: Authorization: Bearer TOKEN."))
        token = token_for_key(header[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Token tidak dikenal, kedaluwarsa atau dicabut.")
            )
        user = token.user
        if not user.is_active or user.has_expired:
            raise exceptions.AuthenticationFailed(_("Akun pemilik token tidak aktif."))
        note_token_use(token)
        return user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="padu"'
