"""The shell-variable query: which names it lists, and how values come back exactly."""

from __future__ import annotations

import fnmatch
import subprocess

from hypothesis import given
from hypothesis import strategies as st

from runbook.config import SECRET_NAME_RE
from runbook.run import shellvars

GLOB = shellvars.name_filter(SECRET_NAME_RE.pattern)


@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True))
def test_the_shell_side_name_filter_never_misses_a_secret_name(name: str) -> None:
    if SECRET_NAME_RE.search(name):
        assert fnmatch.fnmatchcase(name, f"*{GLOB}*"), name


def test_a_pattern_that_is_not_a_word_list_lists_every_name() -> None:
    assert GLOB and shellvars.name_filter("SECRET|TO.*KEN") == ""


def test_values_survive_newlines_quotes_and_markers_of_other_runs() -> None:
    value = "a\nb 'q' \"d\" $x `y` \\n __RB_Vother;"
    script = shellvars.names_script("n0nce", ["MY_TOKEN", "UNSET_TOKEN"], GLOB)
    for shell in (["bash", "--norc", "-c"], ["dash", "-c"]):
        out = subprocess.run([*shell, f"MY_TOKEN='{value.replace(chr(39), chr(39) + chr(92) + chr(39) + chr(39))}'"
                              f"\nOTHER_PASSWORD=1\n{script}"], capture_output=True, text=True).stdout
        assert shellvars.parse_values(out, "n0nce") == {"MY_TOKEN": value}, shell
        names = shellvars.parse_names(out, "n0nce")
        assert names is not None and {"MY_TOKEN", "OTHER_PASSWORD"} <= names, shell
        assert shellvars.parse_values(out, "other") == {}


def test_the_name_filter_lists_none_of_a_usual_environments_names() -> None:
    usual = ("PATH", "HOME", "PWD", "OLDPWD", "PPID", "DIRSTACK", "PIPESTATUS", "EPOCHSECONDS", "EPOCHREALTIME",
             "SECONDS", "BASH_ALIASES", "PYTHONDONTWRITEBYTECODE", "CONTAINER_NAME", "HOSTTYPE", "SHELLOPTS")
    assert [n for n in usual if fnmatch.fnmatchcase(n, f"*{GLOB}*")] == []
    assert all(fnmatch.fnmatchcase(n, f"*{GLOB}*") for n in ("DB_PASSWORD", "api_key", "GhToken", "MY_SECRET"))
    assert shellvars.name_filter("KEY|TOKEN").count("[") == 3  # a three-letter word: three classes
