"""The `readr` command line. Importing this package registers every command on `app`."""

from . import library  # noqa: F401  (each module registers its commands on app)
from .app import app  # noqa: F401
