"""The project's configuration and its documents.

``[tool.runbook]`` in ``pyproject.toml``, or a ``runbook.toml``, is found by walking up from
the current folder (the first found wins; a folder holding ``.git`` ends the walk). Its
values sit between the built-in defaults and a document's front matter
(docs/devops/configuration.md). :func:`documents` turns the paths of a command line (files,
folders, ``-``) into the documents to read, in a stable order.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from runbook.config import Settings, dialect_name, parse_duration, shell_argv
from runbook.errors import ConfigError, RunbookError
from runbook.lazyre import lazy
from runbook.record import record

KEYS = ("paths", "include", "exclude", "timeout", "shell", "strict", "fail_fast", "dialect", "check", "reports")
CHECK_KEYS = ("select", "ignore")
REPORT_KEYS = ("json", "junit", "html", "summary")
DEFAULT_INCLUDE = ("*.md",)
STDIN = "-"


def did_you_mean(key: str, known: Sequence[str]) -> str:
    """``"; did you mean timeout?"`` when ``key`` is close to a known one, else ``""``."""
    import difflib  # only to name a near miss

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"did you mean {close[0]}? " if close else ""


@record(slots=False)
class Project:
    """The settings of ``[tool.runbook]`` / ``runbook.toml`` (empty when there is none)."""

    file: str | None = None
    """The file they came from (``None``: no configuration found)."""
    root: str = "."
    """Its folder: relative paths in it are relative to this folder."""
    paths: tuple[str, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    timeout: float | None = None
    shell: str | None = None
    strict: bool | None = None
    fail_fast: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    reports: Mapping[str, str] = field(default_factory=dict)
    """``json`` / ``junit`` / ``html`` / ``summary`` -> path (relative to the current folder)."""
    dialect: str | None = None
    """``dialect = "byexample"``: the dialect every document is read in unless its front
    matter or ``--dialect`` says otherwise (docs/dialects.md)."""

    def declared_dialect(self) -> tuple[str, str] | None:
        """``(name, where it was declared)`` of :attr:`dialect`, for the parser."""
        if not self.dialect or not self.file:
            return None
        name = Path(self.file).name
        return self.dialect, f"{name} `tool.runbook.dialect`" if name == "pyproject.toml" else f"{name} `dialect`"

    def defaults(self) -> Settings:
        """The Settings a document's front matter starts from."""
        s = Settings()
        if self.timeout is not None:
            s = replace(s, timeout=self.timeout)
        if self.shell is not None:
            s = replace(s, shell=self.shell, shell_from=f"{self.file} `shell`", shell_where=self.file)
        if self.strict is not None:
            s = replace(s, strict=self.strict)
        return replace(s, fail_fast=self.fail_fast)


def find(start: Path | None = None) -> Project:
    """The configuration that applies in ``start`` (the current folder by default)."""
    folder = (start or Path.cwd()).resolve()
    for here in (folder, *folder.parents):
        found = _read_in(here)
        if found is not None:
            return found
        if (here / ".git").exists():
            break
    return Project()


def _read_in(folder: Path) -> Project | None:
    own = folder / "runbook.toml"
    if own.is_file():
        return parse(own, _load_toml(own), "")
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and _TOOL_TABLE.search(pyproject.read_bytes().decode("utf-8", "replace")):
        table = _load_toml(pyproject).get("tool", {})
        if isinstance(table, dict) and "runbook" in table:
            return parse(pyproject, table["runbook"], "tool.runbook.")
    return None


_TOOL_TABLE = lazy(r"^\s*\[\s*tool\s*\.\s*runbook\s*[\].]", re.M)
"""A ``[tool.runbook]`` (or ``[tool.runbook.check]``) table header, before parsing the file."""


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10: tomli is the same parser, when installed
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError("reading the configuration needs Python 3.11 or later (tomllib), or the tomli "
                              "package", where=str(path), hint="pip install tomli, or use Python 3.11+") from None
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", where=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", where=str(path), hint="see https://toml.io") from None


def _line_of(path: Path, key: str) -> str:
    """``path:line`` of ``key = ...`` in the file (the file alone when not found)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return str(path)
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for n, line in enumerate(lines, 1):
        if pattern.match(line):
            return f"{path}:{n}"
    return str(path)


def _check_keys(path: Path, table: object, known: Sequence[str], prefix: str) -> Mapping[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"`{prefix.rstrip('.')}` must be a table", where=str(path),
                          hint=f"e.g. [{prefix.rstrip('.') or 'tool.runbook'}] on its own line")
    for key in table:
        if key not in known:
            raise ConfigError(f"unknown key `{prefix}{key}`", where=_line_of(path, key),
                              hint=f"{did_you_mean(key, known)}known keys: {', '.join(known)}")
    return table


def parse(path: Path, table: object, prefix: str) -> Project:
    """Validate a configuration table (``prefix`` names it in messages: ``tool.runbook.``)."""
    t = _check_keys(path, table, KEYS, prefix)
    root = path.parent.resolve()

    def where(key: str) -> str:
        return _line_of(path, key)

    p = Project(file=str(path), root=str(root))
    if "paths" in t:
        p = replace(p, paths=tuple(str(root / v) for v in _strings(t["paths"], prefix + "paths", where("paths"))))
    if "include" in t:
        p = replace(p, include=_strings(t["include"], prefix + "include", where("include")))
    if "exclude" in t:
        p = replace(p, exclude=_strings(t["exclude"], prefix + "exclude", where("exclude")))
    if "timeout" in t:
        seconds = parse_duration(t["timeout"])
        if seconds is None:
            raise ConfigError(f"`{prefix}timeout` is not a duration: {t['timeout']!r}", where=where("timeout"),
                              hint="a positive number of seconds, e.g. timeout = 60 or timeout = \"2m\"")
        p = replace(p, timeout=seconds)
    if "shell" in t:
        if not isinstance(t["shell"], str):
            raise ConfigError(f"`{prefix}shell` must be a command line", where=where("shell"),
                              hint='e.g. shell = "bash --noprofile --norc"')
        shell_argv(t["shell"], f"`{prefix}shell`", where("shell"))
        p = replace(p, shell=t["shell"])
    for key in ("strict", "fail_fast"):
        if key in t and not isinstance(t[key], bool):
            raise ConfigError(f"`{prefix}{key}` must be true or false", where=where(key))
    p = replace(p, strict=t.get("strict"), fail_fast=bool(t.get("fail_fast", False)))
    if "dialect" in t:
        p = replace(p, dialect=dialect_name(t["dialect"], f"`{prefix}dialect`", where("dialect")))
    return _sections(p, path, t, prefix, root)


def _sections(p: Project, path: Path, t: Mapping[str, Any], prefix: str, root: Path) -> Project:
    if "check" in t:
        check = _check_keys(path, t["check"], CHECK_KEYS, prefix + "check.")
        codes = {k: _strings(check[k], f"{prefix}check.{k}", _line_of(path, k)) for k in check}
        p = replace(p, select=codes.get("select", ()), ignore=codes.get("ignore", ()))
    if "reports" in t:
        reports = _check_keys(path, t["reports"], REPORT_KEYS, prefix + "reports.")
        for k, v in reports.items():
            if not isinstance(v, str) or not v:
                raise ConfigError(f"`{prefix}reports.{k}` must be a path", where=_line_of(path, k))
        p = replace(p, reports={k: str(root / v) for k, v in reports.items()})
    return p


def _strings(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"`{key}` must be a string or a list of strings", where=where,
                      hint=f'e.g. {key.rsplit(".", 1)[-1]} = ["docs/"]')


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    for pat in patterns:
        folder = pat.rstrip("/")
        if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(name, pat) or rel.startswith(folder + "/"):
            return True
    return False


def excluded(path: Path, project: Project) -> bool:
    """A file the configured include/exclude globs leave out (relative to the config's folder)."""
    if project.file is None:
        return False
    try:
        rel = path.resolve().relative_to(Path(project.root).resolve()).as_posix()
    except ValueError:
        return False
    return not _matches(rel, project.include) or _matches(rel, project.exclude)


def _in_folder(folder: Path, project: Project) -> list[str]:
    """The documents under ``folder``: ``*.md`` (and the include globs), never
    ``*.annotated.md``, nothing in hidden folders, nothing the exclude globs name."""
    base = Path(project.root).resolve() if project.file else folder.resolve()
    found = []
    for path in folder.rglob("*"):
        rel_parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel_parts) or not path.is_file():
            continue
        if path.name.endswith(".annotated.md") or path.suffix != ".md":
            continue
        try:
            rel = path.resolve().relative_to(base).as_posix()
        except ValueError:
            rel = path.relative_to(folder).as_posix()
        if _matches(rel, project.include) and not _matches(rel, project.exclude):
            found.append(str(path))
    return sorted(found)


def documents(args: Sequence[str], project: Project, *, stdin: bool = False) -> list[str]:
    """The documents of a command line: files as given, folders' documents in sorted order,
    ``-`` (standard input) when ``stdin`` allows it; none given: the configured ``paths``.
    A file given twice is read once."""
    given = list(args) or list(project.paths)
    if not given:
        raise RunbookError("no document given", hint="name files or folders, e.g. `runbook execute docs/`, "
                           "or set paths in [tool.runbook] (docs/devops/configuration.md)")
    out: list[str] = []
    for arg in given:
        if arg == STDIN:
            if not stdin:
                raise RunbookError("`-` (standard input) is not accepted here", hint="name a file")
            out.append(arg)
        elif Path(arg).is_dir():
            out += _in_folder(Path(arg), project)
        else:
            out.append(arg)
    return list(dict.fromkeys(out))


def many(args: Sequence[str], project: Project) -> bool:
    """More than one path, or a folder: the command reports per document and in total (one
    file keeps the single-document outputs)."""
    given = list(args) or list(project.paths)
    return len(given) != 1 or Path(given[0]).is_dir()
