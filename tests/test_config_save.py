"""save_setting: one setting written into config.toml, every other line kept as the user wrote it."""

from __future__ import annotations

import tomllib

import pytest

from readr.config import load_config, save_setting
from readr.errors import ReadrError


@pytest.mark.parametrize(
    "before, after",
    [
        ("", 'theme = "nord"\n'),
        ('week_start = "sunday"', 'week_start = "sunday"\ntheme = "nord"\n'),
        (
            '# mine\ntheme = "dracula"   # dark\n[keymap]\n"q" = "x"\n',
            '# mine\ntheme = "nord"   # dark\n[keymap]\n"q" = "x"\n',
        ),
        ("theme='gruvbox'\n", 'theme="nord"\n'),
        ('[keymap]\n"mark-read" = "x"\n', 'theme = "nord"\n[keymap]\n"mark-read" = "x"\n'),
        ('[keymap]\ntheme = "x"\n', 'theme = "nord"\n[keymap]\ntheme = "x"\n'),  # a key of a table is another key
        (
            'front_matter = """\n[looks like a table]\n"""\n',
            'theme = "nord"\nfront_matter = """\n[looks like a table]\n"""\n',
        ),
        ('theme = "a\\"b" # q\n', 'theme = "nord" # q\n'),
    ],
)
def test_the_setting_is_edited_or_added_at_top_level(tmp_path, before, after):
    path = tmp_path / "config.toml"
    path.write_text(before)
    save_setting("theme", "nord", path)
    assert path.read_text() == after
    assert tomllib.loads(after)["theme"] == "nord"
    assert load_config(path).theme == "nord"


def test_no_config_file_yet_creates_it_and_its_folder(tmp_path):
    path = tmp_path / "new" / "folder" / "config.toml"
    save_setting("theme", "textual-light", path)
    assert path.read_text() == 'theme = "textual-light"\n'


def test_a_file_that_does_not_parse_is_left_alone(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("theme = \n")
    with pytest.raises(ReadrError, match="cannot read"):
        save_setting("theme", "nord", path)
    assert path.read_text() == "theme = \n"
