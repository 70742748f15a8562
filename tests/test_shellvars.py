"""The shell-variable query: which names it lists, and how values come back exactly."""

from __future__ import annotations

import fnmatch
import subprocess

from hypothesis import given
from hypothesis import strategies as st

from runbook.config import SECRET_NAME_RE
from runbook.run import shell_lines, shellvars

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


NAMES = ["TOX_TESTENV_PASSENV", "DB_PASSWORD", "db_passwd", "GhToken", "MY_SECRET", "api_key", "APIKEY",
         "API_KEYS", "PASS", "TOKE", "secretary", "PATH", "X_API_KEY_2", "PassWordy", "tokens"]


def test_the_exact_filter_lists_in_bash_just_the_names_the_pattern_takes() -> None:
    # A name listed by the end-of-step line ends a batch (batch_guard): it must be a name the
    # session's own pattern takes, not one that only shares its first letters (``*_PASSENV``).
    exact, coarse = shellvars.name_filters(SECRET_NAME_RE.pattern).split(" ")
    assert coarse == GLOB and shellvars.name_filters("SECRET|TO.*KEN") == ""
    listing = shell_lines.names_listing(exact, coarse, "flag")
    for before in ("-u", "-s"):  # the user's extglob setting is put back either way
        script = "".join(f"{n}=1; " for n in NAMES) + f"shopt {before} extglob; {listing}; echo \"flag=$flag\"; shopt extglob"
        out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True).stdout
        listed = [w for w in out.split() if w in NAMES]
        assert sorted(listed) == sorted(n for n in NAMES if SECRET_NAME_RE.search(n)), before
        assert "flag=1" in out and out.rstrip().endswith("on" if before == "-s" else "off"), out
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", f"TOX_TESTENV_PASSENV=1; {listing}; echo \"f=$flag.\""],
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}).stdout
    assert out.strip() == "f=.", "a name that only looks like a secret sets no flag"
