"""The fast paths for plain commands: the shlex-free split (no quotes, escapes, comments or ``;&|()``)
gives exactly what the shlex lexer gives, so the long-running rules read every command
the same way whichever path splits it."""

from __future__ import annotations

import shlex

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.parse import longrun

PLAIN = "ab1Z_ \t\n!$%*+,-./:<=>?@[]^`{}~"


def _by_shlex(text: str) -> list[tuple[list[str], bool]]:
    """simple_commands' own lexer path, forced (the reference)."""
    lexer = shlex.shlex(longrun._plain(text), posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out: list[tuple[list[str], bool]] = []
    words: list[str] = []
    piped = False
    for tok in lexer:
        if tok in longrun._SEPARATORS or set(tok) <= set(";&|()"):
            if words:
                out.append((words, tok == "&" or piped or longrun._reads_file(words)))
            words, piped = [], tok in ("|", "|&")
        else:
            words.append(tok)
    if words:
        out.append((words, piped or longrun._reads_file(words)))
    return out


@settings(max_examples=500)
@given(st.text(alphabet=PLAIN, max_size=60))
def test_the_fast_split_of_plain_commands_equals_the_shlex_split(text: str) -> None:
    assert longrun._NO_SYNTAX.fullmatch(text)
    assert longrun.simple_commands(text) == _by_shlex(text)


def test_text_with_shell_syntax_is_not_taken_as_plain() -> None:
    for text in ("echo 'a b'", 'echo "x"', "a \\\n b", "a # c", "a; b", "a & b", "a | b", "(a)", "a\rb", "é"):
        assert not longrun._NO_SYNTAX.fullmatch(text), text


@settings(max_examples=500)
@given(st.text(alphabet="ab $()\n\t;|&{}=-*!x", max_size=60))
def test_lint_labels_text_without_quotes_escapes_comments_or_heredocs_as_code(text: str) -> None:
    from runbook.lint import rules_shell

    assert rules_shell.label(text) == rules_shell._Lexer(text).run() == rules_shell.CODE * len(text)


_PROGRAMS = sorted(longrun._NAMED) + ["python", "python3.11", "/usr/bin/tail", "echo", "ls", "grep", "manage.py"]
_WORDS = ["-f", "-F", "-it", "-i", "-t", "-d", "-w", "-c", "-l", "-m", "-p", "--watch", "--watch=1",
          "--watch-only", "--follow", "--", "run", "exec", "logs", "up", "compose", "serve", "server",
          "runserver", "start", "http.server", "infinity", "host", "pod", "sh", "bash", "x"]


@settings(max_examples=1500)
@given(st.sampled_from(_PROGRAMS), st.lists(st.sampled_from(_WORDS), max_size=6))
def test_the_fast_path_for_unnamed_programs_decides_as_every_rule_does(prog: str, rest: list[str]) -> None:
    words = [prog, *rest]
    assert longrun._classify(words) == longrun._every_rule(words, prog.rsplit("/", 1)[-1])


@settings(max_examples=300)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz-=./", min_size=1, max_size=12),
       st.lists(st.sampled_from(_WORDS), max_size=6))
def test_the_fast_path_decides_any_program_name_as_every_rule_does(prog: str, rest: list[str]) -> None:
    words = [prog, *rest]
    assert longrun._classify(words) == longrun._every_rule(words, prog.rsplit("/", 1)[-1])
