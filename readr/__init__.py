"""readr: a keyboard-driven terminal reading list for researchers."""

__version__ = "0.1.0"
