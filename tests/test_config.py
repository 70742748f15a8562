"""Settings: front matter and command line validated into one Settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook import config
from runbook.errors import ConfigError


def test_durations_accept_units():
    assert config.parse_duration("30") == 30
    assert config.parse_duration("2m") == 120
    assert config.parse_duration("500ms") == 0.5
    assert config.parse_duration(" 1.5 s ") == 1.5
    assert config.parse_duration(7) == 7.0
    for bad in ("abc", "-1", "0", "", True):
        assert config.parse_duration(bad) is None


def test_front_matter_values(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".env").write_text("# comment\nexport A=1\nB=\"two words\"\nC='x # y'\nD=plain # trailing\n")
    doc = tmp_path / "doc.md"
    s = config.from_front_matter(
        {"timeout": "2m", "cwd": "sub", "env_file": ".env", "env": {"B": "override", "E": True},
         "secrets": ["B"], "requires": ["git", "HOME"], "blocking": "A", "strict": True}, str(doc))
    assert s.timeout == 120
    assert s.cwd == str((tmp_path / "sub").resolve())
    assert s.env == {"A": "1", "B": "override", "C": "x # y", "D": "plain", "E": "true"}
    assert s.secrets == ("B",) and s.requires == ("git", "HOME") and s.blocking == ("A",)
    assert s.strict is True


@pytest.mark.parametrize("fm, needle", [
    ({"timeout": "soon"}, "timeout"),
    ({"cwd": "missing-folder"}, "cwd"),
    ({"env": ["A=1"]}, "env"),
    ({"strict": "yes"}, "strict"),
    ({"blocking": {"A": 1}}, "blocking"),
    ({"timout": 3}, "unknown front matter key"),
])
def test_front_matter_errors_name_the_file(tmp_path: Path, fm, needle):
    with pytest.raises(ConfigError) as info:
        config.from_front_matter(fm, str(tmp_path / "doc.md"))
    assert needle in str(info.value)
    assert str(tmp_path / "doc.md") in str(info.value)


def test_bad_dotenv_line_names_file_and_line(tmp_path: Path):
    env = tmp_path / "x.env"
    env.write_text("A=1\nthis is not an assignment\n")
    with pytest.raises(ConfigError) as info:
        config.parse_dotenv(env)
    assert f"{env}:2" in str(info.value)


def test_cli_overrides_front_matter(tmp_path: Path):
    s = config.from_front_matter({"timeout": 5, "env": {"A": "1"}}, str(tmp_path / "d.md"))
    s2 = config.with_cli(s, timeout=9, env={"A": "2", "B": "3"}, values={"NAME": "x"}, strict=True)
    assert s2.timeout == 9 and s2.env == {"A": "2", "B": "3"} and s2.values == {"NAME": "x"} and s2.strict


def test_secret_values_by_list_and_by_name():
    s = config.Settings(env={"DB_PASSWORD": "hunter22", "PLAIN": "visible", "MINE": "s3cret!"}, secrets=("MINE",))
    vals = s.secret_values(environ={"GITHUB_TOKEN": "ghp_abc", "HOME": "/root"})
    assert vals == {"DB_PASSWORD": "hunter22", "MINE": "s3cret!", "GITHUB_TOKEN": "ghp_abc"}


def test_assignments_need_equals():
    assert config.parse_assignments(["A=1", "B=x=y"], "--env") == {"A": "1", "B": "x=y"}
    with pytest.raises(ConfigError):
        config.parse_assignments(["oops"], "--env")
