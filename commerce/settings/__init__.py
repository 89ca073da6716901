"""The settings, driven by the environment, one module per concern.

With no environment set, the project runs on embedded defaults: a SQLite file,
a local-memory cache, Celery tasks run eagerly and mail goes to the console.
Real services are switched on by env: ``DATABASE_URL`` (PostgreSQL),
``REDIS_URL`` (cache and Celery broker). ``DJANGO_ENV=production`` turns on the
production hardening and refuses to start without a real ``SECRET_KEY``.

The environment is read in ``env`` alone (its ``env_*`` readers); each part
below imports what it uses from the parts before it. The order matters once:
``oscar`` brings Oscar's defaults, which ``mail`` and ``security`` then adjust.
"""

# The order is the point (see above).
# isort: off
from commerce.settings.env import *  # noqa: F403
from commerce.settings.sites import *  # noqa: F403
from commerce.settings.apps import *  # noqa: F403
from commerce.settings.stores import *  # noqa: F403
from commerce.settings.background import *  # noqa: F403
from commerce.settings.oscar import *  # noqa: F403
from commerce.settings.mail import *  # noqa: F403
from commerce.settings.static import *  # noqa: F403
from commerce.settings.security import *  # noqa: F403
from commerce.settings.logs import *  # noqa: F403
from commerce.settings.business import *  # noqa: F403
# isort: on
