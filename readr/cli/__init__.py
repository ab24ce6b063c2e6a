"""The `readr` command line. Importing this package registers every command on `app`."""

# Simple parameters are coerced without importing pydantic (start-up time; see fastparams).
from .fastparams import install as _install_fast_params

_install_fast_params()

# Each module registers its commands on app; keep heavy imports inside the commands.
from . import arxiv_cmds, export, imports, library, maintenance, pdf_cmds, takeaways  # noqa: F401
from .app import app  # noqa: F401
