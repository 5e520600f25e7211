# keystone.wsgi.api parses sys.argv; under gunicorn that is gunicorn's own.
import sys; del sys.argv[1:]  # noqa: E702
from keystone.wsgi.api import application  # noqa: E402,F401
