"""Troubleshooting rows matched to a failed step's output (spec §7)."""

from __future__ import annotations

import pytest
from conftest import CORPUS

from runbook.judge.trouble import match_troubleshooting
from runbook.model import TroubleRow

# The four "Issue" sections of the edumind playbook in the corpus, as table rows.
EDUMIND = CORPUS / "johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md"
DOCKER = TroubleRow("Aspire fails to start with Docker error", "Docker Desktop not running", "Start Docker Desktop", 297)
PORT = TroubleRow("Error message about port 5103, 5049, or 5050", "Port already in use", "`lsof -i :5103`, kill it", 308)
DATABASE = TroubleRow('"Unable to connect to database" error', "PostgreSQL container down", "`docker ps | grep postgres`", 330)
HEALTH = TroubleRow('`/health` endpoint returns "Unhealthy"', "Redis or PostgreSQL down", "Check the dashboard", 341)
ROWS = (DOCKER, PORT, DATABASE, HEALTH)

# A field-trial style table: code spans in the symptom.
REDIS = TroubleRow("`Connection refused` on port 6379", "redis not started", "`docker compose up -d redis`", 10)
SOCKET = TroubleRow(
    "`permission denied while trying to connect to the Docker daemon socket`",
    "user not in the docker group",
    "`sudo usermod -aG docker $USER`",
    11,
)
SLOW = TroubleRow("Health check times out", "slow first start", "raise `retry=`", 12)
FIELD = (REDIS, SOCKET, SLOW)


def rows_of(matches):
    return [m.row for m in matches]


@pytest.mark.shared
def test_the_corpus_document_has_these_symptoms():
    text = EDUMIND.read_text(encoding="utf-8")
    for row in ROWS:
        assert f"**Symptom:** {row.symptom}\n" in text


def test_port_number_in_output_matches_the_port_row():
    out = "Unhandled exception. System.IO.IOException: Failed to bind to address http://127.0.0.1:5103: address already in use.\n"
    matches = match_troubleshooting(ROWS, out)
    assert rows_of(matches) == [PORT]
    assert "5103" in matches[0].matched


def test_quoted_phrase_found_verbatim_case_insensitively():
    out = "Npgsql.NpgsqlException (0x80004005): UNABLE TO CONNECT TO DATABASE edumind\n"
    matches = match_troubleshooting(ROWS, out)
    assert rows_of(matches) == [DATABASE]
    assert matches[0].matched == "Unable to connect to database"


def test_code_span_or_quote_of_health_row():
    out = '{"status":"Unhealthy","results":{"postgres":{"status":"Unhealthy"}}}\n'
    assert rows_of(match_troubleshooting(ROWS, out)) == [HEALTH]


def test_code_span_symptom_matches_output():
    out = "redis-cli: Could not connect to Redis at 127.0.0.1:6379: Connection refused\n"
    matches = match_troubleshooting(FIELD, out)
    assert rows_of(matches)[0] == REDIS
    assert matches[0].matched == "Connection refused"


def test_long_code_span_matches_real_docker_message():
    out = (
        "permission denied while trying to connect to the Docker daemon socket at "
        "unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json\"\n"
    )
    assert rows_of(match_troubleshooting(FIELD, out)) == [SOCKET]


def test_key_words_match_when_most_are_present():
    out = "waiting for health check ... attempt 20/20\nhealth check timed out after 60 s\n"
    matches = match_troubleshooting(FIELD, out)
    assert rows_of(matches) == [SLOW]


def test_generic_failure_words_match_nothing():
    out = "Error: the command failed with an error. Failure. See output above.\nexit status 1\n"
    assert match_troubleshooting(ROWS + FIELD, out) == ()


def test_one_common_word_is_not_enough():
    # "docker" alone (one of three key words of the Docker row) must not match.
    out = "docker: 'compose' is not a docker command.\n"
    assert match_troubleshooting(ROWS, out) == ()


def test_extra_text_is_searched_too():
    assert rows_of(match_troubleshooting(FIELD, "", extra="output contains `PONG`: got Connection refused")) == [REDIS]


def test_verbatim_match_ranks_above_key_words_and_at_most_three():
    rows = (
        TroubleRow("Health check times out", "", "", 1),
        TroubleRow("`timed out`", "", "", 2),
        TroubleRow("check health timeout", "", "", 3),
        TroubleRow("health check fails with timeout", "", "", 4),
        TroubleRow("health times", "", "", 5),
    )
    out = "health check timed out; health check times out\n"
    matches = match_troubleshooting(rows, out)
    assert len(matches) == 3
    assert matches[0].row.line == 2


def test_no_rows_no_matches():
    assert match_troubleshooting((), "anything") == ()


def test_a_code_span_symptom_never_falls_back_to_key_words():
    rows = [TroubleRow("`curl: command not found`", "curl missing", "apt-get install curl", 1),
            TroubleRow("Connection refused by the server", "service down", "start it", 2)]
    out = "curl: (7) Failed to connect to localhost port 8080: Couldn't connect to server\n"
    assert match_troubleshooting(rows, out) == ()
    hit = match_troubleshooting(rows, "bash: curl: command not found\n")
    assert [m.row.line for m in hit] == [1]
