import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
application = get_wsgi_application()

from padu.core.memory import settle  # noqa: E402  (Django is set up above)

# Every app's views and URL patterns loaded now, not in the middle of a first request.
loaded_patterns = get_resolver().url_patterns
settle()
