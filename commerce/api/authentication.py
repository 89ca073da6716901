"""``Authorization: Token <key>`` authentication (sessions work as well, with CSRF)."""

from rest_framework import authentication, exceptions

from commerce.api.tokens import TokenExpired, token_for_key


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Token <key>'."
            )
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("That token is not valid.") from error
        try:
            token = token_for_key(key)
        except TokenExpired as error:
            raise exceptions.AuthenticationFailed(
                "That token has expired; rotate it or create a new one on your API tokens page.",
                code="token_expired",
            ) from error
        if token is None:
            raise exceptions.AuthenticationFailed("That token is not valid or was revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
