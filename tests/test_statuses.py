"""One list of statuses and one parser, shared by the store, the search language, the CLI and the TUI."""

from __future__ import annotations

import pytest

from readr.errors import QueryError
from readr.query import parse_query
from readr.statuses import STATUSES, UnknownStatus, parse_status
from readr.store import Store


@pytest.mark.parametrize("said, meant", [("To-Read", "to-read"), ("toread", "to-read"), ("to read", "to-read"),
                                          ("todo", "to-read"), (" NEW ", "inbox"), ("read", "read")])
def test_the_words_readers_use(said, meant):
    assert parse_status(said) == meant


def test_every_front_end_takes_the_same_words(cli, store, db_path):
    assert parse_query('status:"to read" status:todo').statuses == ["to-read", "to-read"]
    with pytest.raises(QueryError, match="status:later is not a status"):
        parse_query("status:later")
    with pytest.raises(UnknownStatus, match="'later' is not a status; use one of inbox, to-read"):
        parse_status("later")
    key = store.add_web("https://example.org/p", "a paper")[0].key
    store.close()
    assert cli("status", "to read", key).exit_code == 0
    assert cli("list", "--status", "toread").exit_code == 0
    refused = cli("status", "later", key)
    assert refused.exit_code == 1 and "'later' is not a status" in refused.stderr
    with Store(db_path) as lib:
        assert lib.get(key).status == "to-read"
        assert set(STATUSES) <= set(lib.status_counts())
        with pytest.raises(UnknownStatus):
            lib.set_status([key], "toread")  # the store takes the canonical names only
