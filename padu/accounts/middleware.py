import zoneinfo

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

#: What a signed-in user reaches before giving their one-time code: signing in and out,
#: setting up the authenticator, the language switch, and static files.
_OPEN_PREFIXES = ("/akun/masuk/", "/akun/keluar/", "/akun/dua-langkah/", "/i18n/", "/static/")


class SecondFactorMiddleware:
    """A user whose role sees personal data gets no page until they have given a one-time
    code from their authenticator (django-otp's TOTP) in this session: first they set one
    up, then they confirm each sign-in with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.needs_second_factor
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:second-factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and files served to a signed-in user hold personal data: no browser, proxy or
    shared computer keeps a copy (the back button after sign-out shows nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class UserTimeZoneMiddleware:
    """Times on pages and in files on the clock of the user's office (WIB, WITA or WIT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = getattr(request.user, "time_zone", "")
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
