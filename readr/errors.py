"""User-facing errors: the CLI prints str(error) on one line and exits non-zero."""


class ReadrError(Exception):
    """An error the user can act on; its message is one plain line."""


class NotFound(ReadrError):
    pass


class QueryError(ReadrError):
    pass


class SchemaError(ReadrError):
    pass


class LibraryBusy(ReadrError):
    """Another process held the library's write lock longer than the busy timeout."""
