"""The WSGI application that the production server runs."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roster.settings")
application = get_wsgi_application()
