"""One validated Settings for a run: defaults < front matter < command line."""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
from dataclasses import field, replace
from pathlib import Path
from typing import Callable, Mapping, Sequence

from runbook.errors import ConfigError
from runbook.lazyre import lazy
from runbook.record import record

SECRET_NAME_RE = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|API_KEY", re.IGNORECASE)
"""Variables whose names look like this are secrets even when not listed (spec §4)."""

FRONT_MATTER_KEYS = (
    "shell", "timeout", "cwd", "env", "env_file", "secrets", "requires", "blocking", "strict", "check",
    "skip_unless", "targets", "fail_fast", "dialect",
)
_DURATION_RE = lazy(
    r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*$", re.I)


def parse_seconds(value: str) -> float | None:
    """``30``, ``30s``, ``2m``, ``500ms`` -> seconds (``None`` if not a duration)."""
    m = _DURATION_RE.match(value)
    if not m:
        return None
    unit = (m.group(2) or "s").lower()
    scale = 0.001 if unit == "ms" else {"m": 60.0, "h": 3600.0}.get(unit[0], 1.0)
    return float(m.group(1)) * scale


def parse_duration(value: object) -> float | None:
    """``30``, ``30s``, ``2m``, ``500ms`` -> seconds; ``None`` when not a positive duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if 0 < value <= MAX_SECONDS else None
    seconds = parse_seconds(str(value).strip())
    return seconds if seconds is not None and 0 < seconds <= MAX_SECONDS else None


MAX_SECONDS = 10_000_000.0
"""Longest timeout accepted (about 4 months): beyond it, as with ``nan`` and ``inf``, the value
is a typo, and a clock deadline that far out overflows the pty wait."""


DIALECT_NAMES = ("runbook", "tesh", "byexample", "ie", "scrut", "cram", "runme", "mdsh")
"""The dialects a document can be declared in (``--dialect``, front matter ``dialect:``,
``[tool.runbook] dialect``; docs/dialects.md); ``runbook`` is runbook's own format."""


def dialect_name(value: object, what: str, where: str | None = None) -> str:
    """A declared dialect, checked against :data:`DIALECT_NAMES` (ConfigError, with a
    did-you-mean, for any other value)."""
    name = value.strip().lower() if isinstance(value, str) else ""
    if name in DIALECT_NAMES:
        return name
    import difflib  # only to name a near miss

    close = difflib.get_close_matches(name or str(value), DIALECT_NAMES, n=1, cutoff=0.5)
    raise ConfigError(f"{what}: unknown dialect {value!r}", where=where,
                      hint=(f"did you mean {close[0]}? " if close else "") + f"known: {', '.join(DIALECT_NAMES)}")


def valid_timeout(value: float) -> bool:
    """A positive, finite number of seconds no larger than :data:`MAX_SECONDS`."""
    return math.isfinite(value) and 0 < value <= MAX_SECONDS


def shell_argv(command: str, what: str, where: str | None = None) -> list[str]:
    """``command`` split like a shell would; ConfigError when empty or its quotes do not close."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"{what} {command!r} is not a valid command line: {exc}", where=where,
                          hint="close every quote, e.g. bash -c 'exec bash -i'") from None
    if not argv:
        raise ConfigError(f"{what} is empty", where=where,
                          hint="give a command such as `bash`, `ssh -tt host bash`, or leave it out "
                               "for the default hermetic bash")
    return argv


def check_shell_found(settings: "Settings") -> None:
    """The shell command must exist (on PATH, as the session's environment has it)."""
    if settings.shell is None:
        return
    argv = shell_argv(settings.shell, settings.shell_from, settings.shell_where)
    path = {**os.environ, **settings.env}.get("PATH", os.defpath)
    if shutil.which(argv[0], path=path) is None:
        raise ConfigError(f"{settings.shell_from} {settings.shell!r}: command {argv[0]!r} not found", 
                          where=settings.shell_where,
                          hint="install it, give its full path, or fix PATH")


@record(slots=False)
class Selection:
    """Which steps the user asked for (``--phase``, ``--step``, ``--from``, ``--until``)."""

    phases: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    from_step: str | None = None
    until_step: str | None = None
    no_deps: bool = False
    """Do not run setup steps and earlier blocking phases first."""

    @property
    def narrowed(self) -> bool:
        return bool(self.phases or self.steps or self.from_step or self.until_step)


@record(slots=False)
class Settings:
    """Everything that shapes a run, validated once."""

    shell: str | None = None
    """Command line of the shell; ``None`` runs the hermetic bash."""
    timeout: float = 60.0
    """Default per-step timeout in seconds."""
    cwd: str = "."
    """Working directory the session starts in (absolute after ``resolve``)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Variables added to the session's environment."""
    secrets: tuple[str, ...] = ()
    """Names of variables whose values are masked everywhere."""
    requires: tuple[str, ...] = ()
    """Commands (lower/mixed case) and variables (UPPER_CASE) checked before anything runs."""
    blocking: tuple[str, ...] = ()
    """Phase ids made blocking by front matter."""
    skip_unless: tuple[str, ...] = ()
    """Commands that must succeed, else every step is skipped with the reason (exit 0)."""
    strict: bool = False
    fail_fast: bool = False
    values: Mapping[str, str] = field(default_factory=dict)
    """``--set NAME=value`` placeholder values."""
    selection: Selection = field(default_factory=Selection)
    shell_from: str = "--shell"
    """Where ``shell`` was given (``--shell`` or ``front matter `shell```), for messages."""
    shell_where: str | None = None
    """``path:line`` of the front matter's ``shell:`` when it came from there."""
    output_cap: int = 1_000_000
    """Bytes of output kept per step (head + tail); the rest is counted, not kept."""

    def secret_values(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """Values to mask: listed secrets and secret-looking names, from env and environ."""
        merged = {**(os.environ if environ is None else environ), **self.env}
        return {
            k: v for k, v in merged.items()
            if v and (k in self.secrets or SECRET_NAME_RE.search(k))
        }


def parse_dotenv(path: Path) -> dict[str, str]:
    """Read a dotenv file: ``KEY=value`` lines, ``export`` prefix, quotes, ``#`` comments."""
    try:
        # Bytes that are not UTF-8 reach the shell unchanged (surrogate escapes), as the shell would read them.
        lines = path.read_bytes().decode("utf-8", "surrogateescape").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read env file: {exc.strerror}", where=str(path),
                          hint="env_file paths are relative to the document's folder") from None
    out: dict[str, str] = {}
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ConfigError(f"not a KEY=value line: {raw!r}", where=f"{path}:{n}",
                              hint="dotenv lines look like NAME=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
            if raw.strip().partition("=")[2].strip().startswith('"'):
                value = value.replace("\\n", "\n").replace('\\"', '"')
        else:
            value = re.sub(r"\s+#.*$", "", value)
        if "\0" in value:
            raise ConfigError(f"{key} holds a NUL byte, which no environment variable can carry",
                              where=f"{path}:{n}", hint="remove the NUL byte from the value")
        out[key] = value
    return out


def check_env(env: Mapping[str, str], what: str, where: str | None = None) -> None:
    """Names and values an environment can carry: no NUL anywhere, no ``=`` or blank in a name."""
    for key, value in env.items():
        if not key or "=" in key or "\0" in key or key != key.strip():
            raise ConfigError(f"{what}: {key!r} is not a variable name", where=where,
                              hint="names look like PORT or API_URL")
        if "\0" in value:
            raise ConfigError(f"{what}: the value of {key} holds a NUL byte, which no environment "
                              "variable can carry", where=where, hint="remove the NUL byte")


def parse_assignments(items: Sequence[str], option: str) -> dict[str, str]:
    """``K=V`` strings from the command line -> mapping."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"{option} expects NAME=value, got {item!r}", hint=f"e.g. {option} NAME=value")
        out[key] = value
    return out


def _str_list(value: object, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    raise ConfigError(f"front matter `{key}` must be a list of names", where=where,
                      hint=f"e.g. {key}: [A, B]")


def from_front_matter(fm: Mapping[str, object], doc_path: str,
                      lines: Mapping[str, int] | None = None, defaults: Settings | None = None) -> Settings:
    """Validate the front matter's ``runbook:`` mapping into Settings.

    ``lines`` (0-based line per key, from the parser) lets each error name its key's line;
    ``defaults`` (the project's configuration) are what the front matter overrides.
    """
    where = f"{doc_path}:1"

    def at(key: str) -> str:
        line = (lines or {}).get(key)
        return f"{doc_path}:{line + 1}" if line is not None else where
    base = Path(doc_path).resolve().parent
    unknown = sorted(set(fm) - set(FRONT_MATTER_KEYS))
    if unknown:
        import difflib  # only to name a near miss

        close = difflib.get_close_matches(unknown[0], FRONT_MATTER_KEYS, n=1, cutoff=0.6)
        raise ConfigError(f"unknown front matter key(s): {', '.join(unknown)}", where=at(unknown[0]),
                          hint=(f"did you mean {close[0]}? " if close else "")
                          + f"known keys: {', '.join(FRONT_MATTER_KEYS)}")
    s = replace(defaults or Settings(), cwd=str(base))
    if "shell" in fm and fm["shell"] is not None:
        s = replace(s, shell=_fm_shell(fm["shell"], at("shell")), shell_from="front matter `shell`",
                    shell_where=at("shell"))
    if "timeout" in fm:
        s = replace(s, timeout=_fm_timeout(fm["timeout"], at("timeout")))
    if fm.get("cwd") is not None:
        s = replace(s, cwd=_fm_cwd(base, fm["cwd"], at("cwd")))
    env = _fm_env(fm, base, at)
    strict = fm.get("strict", s.strict)
    if not isinstance(strict, bool):
        raise ConfigError("front matter `strict` must be true or false", where=at("strict"))
    fail_fast = fm.get("fail_fast", False)
    if not isinstance(fail_fast, bool):
        raise ConfigError("front matter `fail_fast` must be true or false", where=at("fail_fast"))
    return replace(
        s, env=env, strict=strict, fail_fast=fail_fast,
        secrets=_str_list(fm.get("secrets"), "secrets", at("secrets")),
        requires=_str_list(fm.get("requires"), "requires", at("requires")),
        blocking=_str_list(fm.get("blocking"), "blocking", at("blocking")),
        skip_unless=_str_list(fm.get("skip_unless"), "skip_unless", at("skip_unless")),
    )


def _fm_shell(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("front matter `shell` must be a command line", where=where,
                          hint="e.g. shell: ssh -tt host bash --norc")
    shell_argv(value, "front matter `shell`", where)
    return value


def _fm_timeout(value: object, where: str) -> float:
    t = parse_duration(value)
    if t is None:
        raise ConfigError(f"front matter `timeout` is not a duration: {value!r}", where=where,
                          hint=f"a positive number of seconds up to {MAX_SECONDS:.0f}, e.g. timeout: 60 "
                               "or timeout: 2m")
    return t


def _fm_cwd(base: Path, value: object, where: str) -> str:
    cwd = (base / str(value)).resolve()
    if not cwd.is_dir():
        raise ConfigError(f"front matter `cwd` is not a folder: {cwd}", where=where,
                          hint="cwd is relative to the document's folder")
    return str(cwd)


def _fm_env(fm: Mapping[str, object], base: Path, at: Callable[[str], str]) -> dict[str, str]:
    """``env_file:`` files in order, then ``env:`` on top."""
    env: dict[str, str] = {}
    for f in _str_list(fm.get("env_file"), "env_file", at("env_file")):
        env.update(parse_dotenv(base / f))
    raw_env = fm.get("env")
    if raw_env is not None:
        if not isinstance(raw_env, Mapping):
            raise ConfigError("front matter `env` must be a mapping", where=at("env"), hint="e.g. env: {PORT: 8080}")
        fm_env = {str(k): "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                  for k, v in raw_env.items()}
        check_env(fm_env, "front matter `env`", at("env"))
        env.update(fm_env)
    return env


def with_cli(
    s: Settings,
    *,
    shell: str | None = None,
    timeout: float | None = None,
    strict: bool = False,
    fail_fast: bool = False,
    env: Mapping[str, str] | None = None,
    env_files: Sequence[str] = (),
    values: Mapping[str, str] | None = None,
    selection: Selection | None = None,
) -> Settings:
    """Command-line options override front matter; the shell must exist."""
    if shell is not None:
        shell_argv(shell, "--shell")
        s = replace(s, shell=shell, shell_from="--shell", shell_where=None)
    merged_env = dict(s.env)
    for f in env_files:
        merged_env.update(parse_dotenv(Path(f)))
    check_env(env or {}, "--env")
    merged_env.update(env or {})
    merged = replace(
        s,
        timeout=timeout if timeout is not None else s.timeout,
        strict=strict or s.strict,
        fail_fast=fail_fast or s.fail_fast,
        env=merged_env,
        values={**s.values, **(values or {})},
        selection=selection or s.selection,
    )
    check_shell_found(merged)
    return merged


def settings_for(
    front_matter: Mapping[str, object],
    doc_path: str,
    front_matter_lines: Mapping[str, int] | None = None,
    *,
    timeout: float | None = None,
    shell: str | None = None,
    env: Mapping[str, str] | None = None,
    env_files: Sequence[str] = (),
    values: Mapping[str, str] | None = None,
    selection: Selection | None = None,
    strict: bool = False,
    fail_fast: bool = False,
    defaults: Settings | None = None,
) -> Settings:
    """``defaults`` (the project's configuration), the document's front matter, then the
    caller's options (command line or API), validated into the one Settings of a run;
    ``runbook execute``, ``runbook update`` and ``runbook.execute`` all build it here."""
    if timeout is not None and not valid_timeout(timeout):
        raise ConfigError(f"--timeout must be a positive number of seconds, got {timeout}",
                          hint=f"e.g. --timeout 60 (at most {MAX_SECONDS:.0f})")
    return with_cli(
        from_front_matter(front_matter, doc_path, front_matter_lines, defaults),
        shell=shell, timeout=timeout, strict=strict, fail_fast=fail_fast,
        env=env, env_files=env_files, values=values, selection=selection)
