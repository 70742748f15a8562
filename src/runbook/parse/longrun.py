"""Commands that do not return on their own, and commands that open another context.

A server (``python -m http.server``, ``npm start``, ``docker compose up`` without ``-d``), a
follower (``tail -f``, ``kubectl get -w``, ``kubectl logs -f``), a tunnel
(``kubectl port-forward``) or ``watch`` runs until it is stopped: run in the foreground it would
hold the step for its whole timeout. A command that opens another shell (``kubectl exec -it …
-- sh``, ``docker run -it``, ``ssh host``, ``oc debug node/…``, ``chroot /host``) does not return
either, and what the document types next is meant for that shell, not runbook's.

The decision reads the command as shell words (:mod:`shlex`, with ``;``, ``&&``, ``|``, ``&``
as separators), one simple command at a time: a command sent to the background with ``&`` or
bounded by ``timeout`` returns; leading assignments, ``sudo`` and ``exec`` are looked through.
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache

from runbook.lazyre import lazy
from runbook.parse.shellish import plain_command
from runbook.record import record

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "|&", ";;", "(", ")"})
_WRAPPERS = frozenset({"sudo", "exec", "nohup", "command", "env", "time", "stdbuf"})
_SERVERS = frozenset({"uvicorn", "gunicorn", "flask", "http-server", "serve", "nodemon", "ngrok",
                      "jekyll", "hugo", "mkdocs", "caddy", "redis-server", "mongod", "postgres"})
_SERVER_SUBCOMMANDS = {"hugo": "server", "mkdocs": "serve", "jekyll": "serve", "flask": "run"}
_EDITORS = frozenset({"vi", "vim", "nvim", "nano", "emacs", "less", "more", "top", "htop", "k9s"})
_SHELLS = frozenset({"sh", "bash", "zsh", "ash", "fish", "su"})
_REPLS = {"psql": ("-c", "--command", "-f", "--file", "-l", "--list"),
          "mysql": ("-e", "--execute"), "python": ("-c", "-m"), "python3": ("-c", "-m"),
          "node": ("-e", "--eval", "-p")}


@record(slots=False)
class LongRun:
    """Why a command does not return: ``why`` for the reader, ``context`` when it opens one."""

    why: str
    context: str | None = None


def _plain(text: str) -> str:
    """``text`` with continuations joined, lines ended by ``;`` and ``>&``/``&>`` redirections
    written without their ``&`` (which is not a background marker there)."""
    text = re.sub(r"(\d*)>&(\d+|-)", r"\1>/dev/fd/\2", text.replace("\\\n", " "))
    return re.sub(r"&>>?", ">", text).replace("\n", " ;\n")


def _reads_file(words: list[str]) -> bool:
    """``< file`` feeds the command (a ``<placeholder>`` does not)."""
    return any(w.startswith("<") and not (w.endswith(">") and len(w) > 2) for w in words)


#: Text shlex splits as ``str.split`` would: printable ASCII without quotes, escapes,
#: comments or the separators ``;&|()`` (most commands: ``echo step-1``, ``kubectl get pods``).
_NO_SYNTAX = lazy(r"[A-Za-z0-9 \t\n!$%*+,\-./:<=>?@\[\]^_`{}~]*")


def simple_commands(text: str) -> list[tuple[list[str], bool]]:
    """Each simple command's words and whether it does not hold the terminal: ``&`` sends it
    to the background, or its input comes from a pipe or a file (``| psql``, ``psql < f``)."""
    if _NO_SYNTAX.fullmatch(text):  # one command a line, without shlex (~100 µs a step)
        return [(words, _reads_file(words)) for words in (ln.split() for ln in text.split("\n")) if words]
    lexer = shlex.shlex(_plain(text), posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote: read no further than what lexed
        return []
    out: list[tuple[list[str], bool]] = []
    words: list[str] = []
    piped = False
    for tok in tokens:
        if tok in _SEPARATORS or set(tok) <= set(";&|()"):
            if words:
                out.append((words, tok == "&" or piped or _reads_file(words)))
            words, piped = [], tok in ("|", "|&")
        else:
            words.append(tok)
    if words:
        out.append((words, piped or _reads_file(words)))
    return out


_ASSIGNMENT = lazy(r"^[A-Za-z_]\w*=")


def _program(words: list[str]) -> list[str]:
    """``words`` from the program on: assignments, wrappers and their options dropped."""
    i = 0
    while i < len(words):
        w = words[i]
        if _ASSIGNMENT.match(w) or w in _WRAPPERS or (i and words[i - 1] in _WRAPPERS
                                                                and w.startswith("-")):
            i += 1
            continue
        break
    return words[i:]


def _flags(words: list[str]) -> set[str]:
    """Options as written (``--watch``) and each letter of short clusters (``-it`` -> ``-i -t``)."""
    out: set[str] = set()
    for w in words:
        if w == "--":
            break
        if w.startswith("--"):
            out.add(w.split("=", 1)[0])
        elif w.startswith("-") and len(w) > 1 and not w[1].isdigit():
            out.update(f"-{ch}" for ch in w[1:] if ch.isalpha())
    return out


def _after_dashdash(words: list[str]) -> list[str]:
    return words[words.index("--") + 1:] if "--" in words else []


def _operands(words: list[str]) -> list[str]:
    """Words that are not options (a rough view: option values count as operands)."""
    return [w for w in words[1:] if not w.startswith("-")]


def _kube(words: list[str], flags: set[str]) -> LongRun | None:
    ops = _operands(words)
    sub = ops[0] if ops else ""
    if sub in ("port-forward", "proxy", "attach"):
        return LongRun(f"`{words[0]} {sub}` runs until stopped")
    if sub in ("exec", "run", "debug") and _kube_shell(words, sub, flags):
        return _kube_shell(words, sub, flags)
    if sub in ("edit", "rsh", "debug"):
        return _kube_opens(words, sub, ops)
    if "-w" in flags or "--watch" in flags or "--watch-only" in flags:
        return LongRun(f"`{words[0]} {sub} --watch` follows changes until stopped")
    if sub == "logs" and ("-f" in flags or "--follow" in flags):
        return LongRun(f"`{words[0]} logs -f` follows the log until stopped")
    return None


def _kube_opens(words: list[str], sub: str, ops: list[str]) -> LongRun | None:
    if sub == "edit":
        return LongRun(f"`{words[0]} edit` opens an editor and waits for it", f"an editor (`{words[0]} edit`)")
    if words[0] == "oc" and not _after_dashdash(words) and (sub == "debug" or len(ops) <= 2):
        return LongRun(f"`oc {sub}` opens a shell", "a node or pod shell (`oc " + sub + "`)")
    return None


def _kube_shell(words: list[str], sub: str, flags: set[str]) -> LongRun | None:
    if not ({"-i", "--stdin"} & flags and {"-t", "--tty"} & flags):
        return None
    inner = _after_dashdash(words)
    if inner and _program(inner)[:1] and _program(inner)[0] not in _SHELLS | set(_REPLS):
        return None  # `kubectl exec -it pod -- ls`: returns
    return LongRun(f"`{words[0]} {sub} -it` opens an interactive shell",
                   f"the container (`{words[0]} {sub} -it`)")


def _docker(words: list[str], flags: set[str]) -> LongRun | None:
    ops = _operands(words)
    sub = ops[0] if ops else ""
    if sub == "compose" or words[0].endswith("-compose"):
        return _compose(ops[1] if sub == "compose" and len(ops) > 1 else sub, flags)
    if sub in ("run", "exec") and {"-i", "-t"} <= flags:
        return LongRun(f"`{words[0]} {sub} -it` opens an interactive shell",
                       f"the container (`{words[0]} {sub} -it`)")
    if sub == "run" and {"-p", "--publish"} & flags and not {"-d", "--detach"} & flags:
        return LongRun(f"`{words[0]} run -p` without `-d` serves in the foreground until stopped")
    return _docker_follows(words[0], sub, flags)


def _docker_follows(prog: str, sub: str, flags: set[str]) -> LongRun | None:
    if sub == "stats" and "--no-stream" not in flags:
        return LongRun(f"`{prog} stats` refreshes until stopped")
    if sub in ("logs", "events") and ({"-f", "--follow"} & flags or sub == "events"):
        return LongRun(f"`{prog} {sub}` follows until stopped")
    return None


def _compose(verb: str, flags: set[str]) -> LongRun | None:
    if verb in ("up", "watch") and not {"-d", "--detach", "--wait"} & flags:
        return LongRun(f"`compose {verb}` without `-d` runs in the foreground until stopped")
    if verb == "logs" and {"-f", "--follow"} & flags:
        return LongRun("`compose logs -f` follows the log until stopped")
    return None


def _node(words: list[str], flags: set[str]) -> LongRun | None:
    ops = _operands(words)
    script = ops[1] if ops[:1] == ["run"] and len(ops) > 1 else (ops[0] if ops else "")
    if script in ("start", "dev", "serve", "watch", "preview"):
        return LongRun(f"`{words[0]} {' '.join(ops[:2])}` starts a server that runs until stopped")
    return None


def _follower(words: list[str], flags: set[str]) -> LongRun | None:
    prog = words[0].rsplit("/", 1)[-1]
    if prog == "tail" and {"-f", "-F", "--follow"} & flags:
        return LongRun("`tail -f` follows the file until stopped")
    if prog in ("journalctl", "dmesg") and ({"-f", "--follow"} & flags or (prog == "dmesg" and "-w" in flags)):
        return LongRun(f"`{prog} -f` follows the log until stopped")
    if prog == "watch" or "--watch" in flags:
        return LongRun(f"`{prog}` {'repeats' if prog == 'watch' else 'watches'} until stopped")
    if prog == "ping" and not {"-c", "-w", "-n"} & flags:
        return LongRun("`ping` without `-c` pings until stopped")
    if prog == "sleep" and words[1:2] == ["infinity"]:
        return LongRun("`sleep infinity` never ends")
    return None


def _server(words: list[str], flags: set[str]) -> LongRun | None:
    prog = words[0].rsplit("/", 1)[-1]
    ops = _operands(words)
    if prog.startswith("python") and "-m" in flags and "http.server" in words:
        return LongRun("`python -m http.server` serves until stopped")
    if ops[1:2] == ["runserver"] or (prog in ("nc", "ncat") and "-l" in flags):
        return LongRun(f"`{prog} {ops[0] if ops else ''}` serves until stopped")
    if prog in _SERVERS and _SERVER_SUBCOMMANDS.get(prog, ops[0] if ops else "") == (ops[0] if ops else ""):
        return LongRun(f"`{prog}` is a server: it runs until stopped")
    if prog in ("minikube",) and ops[:1] in (["tunnel"], ["dashboard"], ["mount"]):
        return LongRun(f"`minikube {ops[0]}` runs until stopped")
    return None


def _shell(words: list[str], flags: set[str]) -> LongRun | None:
    prog = words[0].rsplit("/", 1)[-1]
    ops = _operands(words)
    if prog in _EDITORS:
        return LongRun(f"`{prog}` is interactive: it waits for keys", f"`{prog}`")
    if prog == "ssh" and len(ops) == 1 and not {"-f", "-N", "-L", "-R", "-D"} & flags:
        return LongRun(f"`ssh {ops[0]}` opens a shell on another machine", f"{ops[0]} (`ssh {ops[0]}`)")
    if prog == "chroot" and len(ops) == 1:
        return LongRun(f"`chroot {ops[0]}` opens a shell there", f"`chroot {ops[0]}`")
    if prog in _SHELLS and len(words) == 1 or (prog == "sudo" and {"-i", "-s"} & flags):
        return LongRun(f"`{prog}` opens a new shell", f"a new shell (`{words[0]}`)")
    if prog in ("virtctl",) and ops[:1] == ["console"]:
        return LongRun("`virtctl console` opens the guest's console", "the VM guest (`virtctl console`)")
    return _repl(prog, words, flags)


def _repl(prog: str, words: list[str], flags: set[str]) -> LongRun | None:
    if prog in _REPLS and not set(_REPLS[prog]) & flags and (prog not in ("python", "python3", "node")
                                                              or len(words) == 1):
        return LongRun(f"`{prog}` opens its own prompt", f"`{prog}`")
    if prog == "redis-cli" and not _redis_command(words[1:]):
        return LongRun("`redis-cli` opens its own prompt", "`redis-cli`")
    return None


def _redis_command(args: list[str]) -> list[str]:
    """What ``redis-cli`` is told to run, its connection options and their values dropped."""
    out, i = [], 0
    while i < len(args):
        if args[i] in ("-h", "-p", "-a", "-n", "-u", "--user", "--pass"):
            i += 2
            continue
        if not args[i].startswith("-"):
            out.append(args[i])
        i += 1
    return out


_RULES = (_follower, _server, _shell)


def long_running(text: str) -> LongRun | None:
    """Why the shell code ``text`` does not return on its own, or ``None`` when it does.

    A pure function of the text with a frozen result: ``runbook check`` asks it for every
    step twice (the parser, then RB801) and documents repeat their commands, so each
    distinct text is read once (a bounded cache). Plain command lines whose programs no
    rule names (``echo step-1``) return without the cache (one match, see :func:`_unnamed`)."""
    return None if _unnamed(text) else _long_running(text)


def _unnamed(text: str) -> bool:
    """Plain command lines (:func:`~runbook.parse.shellish.plain_command`) with no program a
    rule names, no wrapper before one, no ``runserver`` and no ``--watch``: no rule can fire."""
    if "runserver" in text or "--watch" in text or not plain_command(text):
        return False
    if "\n" not in text:  # one line (most steps)
        first = text.partition(" ")[0]
        return first not in _STOPS and not first.startswith("python")
    for line in text.split("\n"):
        first = line.partition(" ")[0]
        if first in _STOPS or first.startswith("python"):
            return False
    return True


@lru_cache(maxsize=1 << 16)
def _long_running(text: str) -> LongRun | None:
    for words, background in simple_commands(text):
        if background:
            continue
        words = _program(words)
        if not words or words[0].rsplit("/", 1)[-1] in ("timeout", "gtimeout"):
            continue
        found = _classify(words)
        if found is not None:
            return found
    return None


_NAMED = (frozenset({"kubectl", "oc", "k", "docker", "podman", "nerdctl", "docker-compose", "podman-compose",
                     "npm", "yarn", "pnpm", "bun", "tail", "journalctl", "dmesg", "watch", "ping", "sleep",
                     "nc", "ncat", "minikube", "ssh", "chroot", "sudo", "virtctl", "redis-cli"})
          | _SERVERS | _EDITORS | _SHELLS | frozenset(_REPLS))
"""Every program a rule below names (``python*`` aside): any other program returns, unless
a word is ``--watch...`` or ``runserver`` (the two rules that look past the program)."""
_STOPS = _NAMED | _WRAPPERS | {"timeout", "gtimeout"}
"""First words after which a rule may still name the program (or that are one)."""


def _classify(words: list[str]) -> LongRun | None:
    prog = words[0].rsplit("/", 1)[-1]
    if prog not in _NAMED and not prog.startswith("python") and "runserver" not in words \
            and not any(w.startswith("--watch") for w in words):
        return None  # no rule can fire (most commands: `echo`, `ls`, `grep`...)
    return _every_rule(words, prog)


def _every_rule(words: list[str], prog: str) -> LongRun | None:
    flags = _flags(words[1:])
    if prog in ("kubectl", "oc", "k"):
        return _kube(words, flags)
    if prog in ("docker", "podman", "nerdctl", "docker-compose", "podman-compose"):
        return _docker(words, flags)
    if prog in ("npm", "yarn", "pnpm", "bun"):
        return _node(words, flags)
    for rule in _RULES:
        found = rule(words, flags)
        if found is not None:
            return found
    return None
