import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
application = get_wsgi_application()

from vigil.config.sqlite import checkpoint_in_background  # noqa: E402 - needs Django set up

checkpoint_in_background()  # SQLite only: checkpoints off the request path
