"""Criteria v2 (spec §9, issue 15): HTTP, headers, JSON, numbers with units, versions and
table rows, parsed from the forms real documents use and judged on outputs as the real
tools print them (curl -i / -v / -w, wget -S, httpie, docker, kubectl, df, wrk-like lines)."""

from __future__ import annotations

import pytest

from runbook.judge.criteria import Evidence, clause_summary, is_error, judge_criterion, parse_criterion
from runbook.model import Check, ClauseKind, Output

K = ClauseKind


def checks(criterion: str, output: str, negated: bool = False, truncated: bool = False) -> list[Check]:
    crit = parse_criterion(criterion, 0, negated)
    out = Output(output, dropped_bytes=100 if truncated else 0)
    return list(judge_criterion(crit, Evidence(out, 0, 0.5, None, lambda cmd: 0)))


def one(criterion: str, output: str, negated: bool = False) -> Check:
    found = checks(criterion, output, negated)
    assert len(found) == 1, found
    return found[0]


CURL_I = ('HTTP/1.1 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\nDate: Tue, 01 Dec 2026 12:00:00 GMT\r\n'
          'Content-Type: application/json; charset=utf-8\r\nContent-Length: 120\r\n\r\n'
          '{"status": "ok", "version": "1.4.2", "items": [{"name": "web"}, {"name": "db"}, {"name": "cache"}],'
          ' "data": {"id": 7, "ready": true}}')
CURL_V_404 = ("*   Trying 127.0.0.1:8080...\n* Connected to localhost (127.0.0.1) port 8080\n"
              "> GET /missing HTTP/1.1\n> Host: localhost:8080\n>\n* HTTP 1.0, assume close after body\n"
              "< HTTP/1.0 404 File not found\n< Server: SimpleHTTP/0.6 Python/3.11.7\n"
              "< Content-Type: text/html;charset=utf-8\n<\n<!DOCTYPE HTML>\n<html><body>Nope</body></html>\n")
WGET_S = ("--2026-12-01 12:00:00--  http://localhost:8080/\nResolving localhost... 127.0.0.1\n"
          "HTTP request sent, awaiting response... \n  HTTP/1.1 301 Moved Permanently\n  Location: /v2/\n"
          "  HTTP/1.1 503 Service Unavailable\n  Content-Type: text/plain\n"
          "2026-12-01 12:00:00 ERROR 503: Service Unavailable.\n")
HTTPIE = "HTTP/1.1 201 Created\nContent-Length: 18\nContent-Type: application/json\n\n{\n    \"id\": 42\n}\n"
KUBECTL = ("NAME                     READY   STATUS             RESTARTS      AGE\n"
           "web-7d9f8b6c4-abcde      1/1     Running            0             3d\n"
           "db-0                     1/1     Running            2 (5m ago)    3d\n"
           "api-5c6d7-xyz            0/1     CrashLoopBackOff   7             1h\n")
COMPOSE_PS = (
    "NAME         IMAGE         COMMAND                  SERVICE   CREATED         STATUS                   PORTS\n"
    "proj-web-1   nginx:1.27    \"/docker-entrypoint.…\"   web       2 minutes ago   Up 2 minutes (healthy)   "
    "0.0.0.0:8080->80/tcp\n"
    "proj-db-1    postgres:16   \"docker-entrypoint.s…\"   db        2 minutes ago   Up 2 minutes (healthy)   5432/tcp\n")
DOCKER_PS_EXITED = (
    "CONTAINER ID   IMAGE         COMMAND                  CREATED         STATUS                     NAMES\n"
    "4f1c2a9b8d7e   nginx:1.27    \"/docker-entrypoint.…\"   5 minutes ago   Up 5 minutes               web\n"
    "9a8b7c6d5e4f   postgres:16   \"docker-entrypoint.s…\"   5 minutes ago   Exited (1) 2 minutes ago   db\n")


# --- parsing: every form of the issue becomes a checkable clause ------------------------------------

V2_FORMS = [
    ("HTTP status is 200", K.HTTP), ("status code is 4xx", K.HTTP), ("returns 201", K.HTTP),
    ("responds with 404", K.HTTP), ("the server responds with 404 Not Found", K.HTTP),
    ("should return HTTP 200", K.HTTP), ("response status code should be 200", K.HTTP),
    ("header Content-Type contains json", K.HEADER), ("Location header is /v2/", K.HEADER),
    ('JSON .status is "ok"', K.JSON), (".items | length is 3", K.JSON), (r".version matches /^1\./", K.JSON),
    ("field data.id exists", K.JSON), ("output is valid JSON", K.JSON), ('JSON `.status` is "ok"', K.JSON),
    ("JSON .data.id >= 5", K.JSON), ("field .error does not exist", K.JSON), ("response is valid YAML", K.JSON),
    ("latency under 200 ms", K.NUMBER), ("p95 is at most 0.5 s", K.NUMBER), ("at least 3 replicas", K.NUMBER),
    ("between 1 and 5", K.NUMBER), ("disk usage below 80%", K.NUMBER), ("throughput >= 1000 req/s", K.NUMBER),
    ("throughput ≥ 1000 req/s", K.NUMBER), ("memory usage is under 512 MiB", K.NUMBER),
    ("version is at least 24.0", K.VERSION), ("docker >= 20.10", K.VERSION), ("python 3.11 or newer", K.VERSION),
    ("version is 1.2 or later", K.VERSION), ("kubectl 1.28+", K.VERSION),
    ("every row has STATUS running", K.TABLE), ("all pods are Running", K.TABLE),
    ("no row has RESTARTS above 0", K.TABLE), ("the NAME column contains web", K.TABLE),
    # synonyms seen in real playbooks
    ("status: 200", K.HTTP), ("you should get a 200 response", K.HTTP), ("expect a 201 Created", K.HTTP),
    ("200 OK", K.HTTP), ("the response code is 200", K.HTTP), ("every pod is Running", K.TABLE),
    ("all pods should be Running", K.TABLE), ("all pods are in Running state", K.TABLE),
    ("no pods in CrashLoopBackOff", K.TABLE), ("response time below 500ms", K.NUMBER),
    ("less than 5% errors", K.NUMBER), ("Node.js 18 or later", K.VERSION), ("Go 1.21+", K.VERSION),
    ("Docker version 24.x.x or later", K.VERSION), ("all responses are 200 OK", K.HTTP),
]


@pytest.mark.parametrize("text,kind", V2_FORMS)
def test_v2_form_is_checkable_not_manual(text: str, kind: ClauseKind) -> None:
    crit = parse_criterion(text, 0, False)
    assert [c.kind for c in crit.clauses] == [kind], clause_summary(crit.clauses[0])


@pytest.mark.parametrize("text,kind,number", [
    ("exits 1", K.EXIT, 1), ("returns 0", K.EXIT, 0), ("output has at least 2 lines", K.LINES, 2),
    ("exit code is at least 1", K.EXIT, 1), ("completes within 5 s", K.DURATION, 5),
])
def test_v1_forms_keep_their_meaning_next_to_v2(text: str, kind: ClauseKind, number: float) -> None:
    [clause] = parse_criterion(text, 0, False).clauses
    assert (clause.kind, clause.number) == (kind, number)


def test_between_is_one_range_not_split_at_and() -> None:
    [clause] = parse_criterion("replicas between 1 and 5", 0, False).clauses
    assert (clause.kind, clause.op, clause.number, clause.upper) == (K.NUMBER, "between", 1, 5)


def test_units_convert_to_base_units() -> None:
    [ms] = parse_criterion("latency under 200 ms", 0, False).clauses
    [mib] = parse_criterion("memory usage is under 512 MiB", 0, False).clauses
    assert ms.number == pytest.approx(0.2) and mib.number == 512 * 2**20


def test_column_list_checks_every_name() -> None:
    clauses = parse_criterion("the NAME column contains web, db", 0, False).clauses
    assert [(c.kind, c.subject, c.value) for c in clauses] == [(K.TABLE, "NAME", "web"), (K.TABLE, "NAME", "db")]


def test_hold_period_and_eventually_wrap_v2_clauses() -> None:
    [held] = parse_criterion("latency under 200 ms for 10 s", 0, False).clauses
    [ev] = parse_criterion("HTTP status is 200 eventually within 60 s", 0, False).clauses
    assert (held.kind, held.for_s) == (K.NUMBER, 10) and (ev.kind, ev.within_s) == (K.HTTP, 60)


# --- HTTP -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("criterion,output,ok,detail", [
    ("HTTP status is 200", CURL_I, True, "HTTP status was 200"),
    ("status code is 2xx", CURL_I, True, "HTTP status was 200"),
    ("status code is 4xx", CURL_V_404, True, "HTTP status was 404"),
    ("responds with 404", CURL_V_404, True, "HTTP status was 404"),
    ("HTTP status is 200", WGET_S, False, "HTTP status was 503"),  # the last answer, after the redirect
    ("returns 201", HTTPIE, True, "HTTP status was 201"),
    ("returns 201", '{"id": 42}201', True, "HTTP status was 201"),  # curl -w '%{http_code}' after a body
    ("HTTP status is 200", "200\n", True, "HTTP status was 200"),  # curl -s -o /dev/null -w '%{http_code}'
    ("HTTP status is 200", "HTTP/1.1 100 Continue\n\nHTTP/1.1 500 Internal Server Error\n", False, "was 500"),
])
def test_http_status_read_from_real_client_output(criterion: str, output: str, ok: bool, detail: str) -> None:
    check = one(criterion, output)
    assert check.ok is ok and detail in check.detail


def test_all_responses_are_checked_not_only_the_last() -> None:
    three = "HTTP/1.1 200 OK\n\nok\nHTTP/1.1 500 Internal Server Error\n\nx\nHTTP/1.1 200 OK\n\nok\n"
    check = one("all responses are 200 OK", three)
    assert not check.ok and "2 of 3 HTTP responses were 200 (others: 500)" in check.detail
    assert one("HTTP status is 200", three).ok  # a single status is the last answer's
    assert one("all responses are 200 OK", three.replace("500 Internal Server Error", "200 OK")).ok


def test_http_status_missing_says_so_and_hints_curl_i() -> None:
    check = one("HTTP status is 200", '{"status": "ok"}\n')
    assert is_error(check) and "no HTTP status" in check.detail and "curl -i" in check.detail


def test_fail_if_http_5xx_without_status_is_error_not_a_silent_pass() -> None:
    check = one("HTTP status is 5xx", "connection refused\n", negated=True)
    assert not check.ok and is_error(check)


def test_curl_v_request_headers_are_not_the_response_s() -> None:
    assert is_error(one("header Host exists", "> GET / HTTP/1.1\n> Host: x\n< HTTP/1.1 200 OK\n< Server: y\n")) is False
    assert not one("header Host exists", "> GET / HTTP/1.1\n> Host: x\n< HTTP/1.1 200 OK\n< Server: y\n").ok
    assert one("header Server is y", "> GET / HTTP/1.1\n> Host: x\n< HTTP/1.1 200 OK\n< Server: y\n").ok


def test_header_contains_and_missing_header() -> None:
    assert one("header Content-Type contains json", CURL_I).ok
    assert not one("header Content-Type contains json", CURL_V_404).ok
    assert one("Location header is /v2/", WGET_S).ok
    assert is_error(one("header X-Request-Id exists", "plain text\n")) is False  # exists: a plain no


# --- JSON -----------------------------------------------------------------------------------------

def test_json_clauses_on_a_curl_i_answer() -> None:
    found = checks('JSON .status is "ok", .items | length is 3, .version matches /^1\\./, field data.id exists, '
                   'JSON .items[-1].name is cache, JSON .data.ready is true, JSON .data.id >= 5', CURL_I)
    assert [c.ok for c in found] == [True] * 7, found
    assert found[0].detail == '.status was "ok"' and found[1].detail == ".items | length was 3"


def test_json_mismatch_reports_the_value_found() -> None:
    check = one('JSON .status is "ok"', '{"status": "degraded"}')
    assert not check.ok and '.status was "degraded"' in check.detail


def test_json_missing_path_cannot_be_judged_but_exists_is_a_plain_no() -> None:
    assert is_error(one('JSON .nope is "x"', '{"a": 1}'))
    miss = one("field data.id exists", '{"data": {}}')
    assert not miss.ok and not is_error(miss) and ".data.id is missing" in miss.detail


def test_valid_json_and_yaml() -> None:
    assert one("output is valid JSON", CURL_I).ok
    assert not one("output is valid JSON", "{'not': json}").ok
    yaml_out = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nstatus:\n  phase: Running\n"
    assert one("output is valid YAML", yaml_out).ok
    assert one('JSON .status.phase is "Running"', yaml_out).ok  # kubectl -o yaml


def test_quoted_number_is_not_confused_with_a_bool() -> None:
    assert not one("JSON .ready is 1", '{"ready": true}').ok


# --- numbers --------------------------------------------------------------------------------------

TIMINGS = "requests=500 errors=0 p50=120ms p95=612ms p99=0.9s\nlatency: 0.31 s\nthroughput: 1450 req/s\n"


@pytest.mark.parametrize("criterion,ok,detail", [
    ("p95 is at most 200 ms", False, "p95 was 612 ms, expected at most 200 ms"),
    ("p95 is at most 0.7 s", True, "p95 was 612 ms"),
    ("p99 under 1 s", True, "p99 was 0.9 s"),
    ("latency under 500 ms", True, "latency was 0.31 s"),
    ("throughput ≥ 1000 req/s", True, "throughput was 1450 req/s"),
    ("errors is 0", True, "errors was 0"),
    ("at least 400 requests", True, "requests was 500"),
])
def test_numbers_found_by_name_with_units(criterion: str, ok: bool, detail: str) -> None:
    check = one(criterion, TIMINGS)
    assert check.ok is ok and detail in check.detail, check


def test_disk_usage_by_percent_column_reports_the_worst_value() -> None:
    df = ("Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        50G   41G  9.0G  82% /\n"
          "tmpfs           1.0G     0  1.0G   0% /dev/shm\n")
    check = one("disk usage below 80%", df)
    assert not check.ok and "82%" in check.detail


def test_sizes_convert_between_binary_and_decimal_units() -> None:
    assert one("memory is under 1 GiB", "memory: 900 MB\n").ok
    assert not one("memory is under 512 MiB", "memory: 600 MB\n").ok


def test_number_without_unit_is_never_guessed_against_a_unit() -> None:
    assert is_error(one("latency under 200 ms", "latency=0.61\n"))


def test_between_on_the_output_s_only_number() -> None:
    assert one("between 1 and 5", "3\n").ok and not one("between 1 and 5", "7\n").ok


def test_number_not_found_is_error() -> None:
    assert is_error(one("p95 is at most 200 ms", "all good\n"))


def test_number_from_a_table_column() -> None:
    wrk = "NAME   P95    P99\nhome   120ms  180ms\nlogin  250ms  400ms\n"
    check = one("p95 under 200 ms", wrk)
    assert not check.ok and "login" in check.detail and "250 ms" in check.detail


# --- versions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("criterion,output,ok", [
    ("version is at least 24.0", "Docker version 28.2.2, build e6534b4\n", True),
    ("docker >= 20.10", "Docker version 20.9.1, build abc\n", False),
    ("docker >= 20.10", "Docker version 20.10.0, build abc\n", True),
    ("python 3.11 or newer", "Python 3.10.12\n", False),
    ("python 3.9 or newer", "Python 3.10.12\n", True),  # 3.10 > 3.9 as versions, not as decimals
    ("node version is at least 18", "v20.11.0\n", True),
    ("version is at least 2.0", "tool 2.0.0rc1\n", False),  # a pre-release is older than its release
    ("kubectl 1.28+", "Client Version: v1.29.3\nKustomize Version: v5.0.4\n", True),
    ("Go 1.21+", "go version go1.20.5 linux/amd64\n", False),
    ("go 1.20 or newer", "go version go1.20.5 linux/amd64\n", True),
    ("Docker version 24.x.x or later", "Docker version 24.0.7, build afdd53b\n", True),
])
def test_versions_compare_as_versions(criterion: str, output: str, ok: bool) -> None:
    assert one(criterion, output).ok is ok


def test_version_detail_names_the_version_found() -> None:
    check = one("python 3.11 or newer", "Python 3.10.12\n")
    assert check.detail == "python version was 3.10.12, expected at least 3.11"


# --- tables ---------------------------------------------------------------------------------------

def test_kubectl_rows() -> None:
    found = checks("every row has STATUS Running, no row has RESTARTS above 0, the NAME column contains web, db",
                   KUBECTL)
    assert [c.ok for c in found] == [False, False, True, True]
    assert "row api-5c6d7-xyz: STATUS CrashLoopBackOff" in found[0].detail
    assert "row db-0: RESTARTS 2 (5m ago)" in found[1].detail


def test_all_pods_are_running_reads_the_status_column() -> None:
    ok = KUBECTL.replace("CrashLoopBackOff", "Running         ")
    assert one("all pods are Running", ok).ok and not one("all pods are Running", KUBECTL).ok


def test_compose_ps_status_words_never_match_inside_other_words() -> None:
    assert one("every row has STATUS healthy", COMPOSE_PS).ok
    assert not one("every row has STATUS healthy", COMPOSE_PS.replace("(healthy)", "(unhealthy)")).ok
    assert [c.ok for c in checks("the SERVICE column contains web, db", COMPOSE_PS)] == [True, True]


def test_docker_ps_exited_row_is_named() -> None:
    check = one("no row has STATUS exited", DOCKER_PS_EXITED)
    assert not check.ok and "row db: STATUS Exited (1)" in check.detail


def test_a_row_printed_out_of_line_is_still_read_cell_by_cell() -> None:
    crooked = "NAME     STATUS    RESTARTS\nweb-1234567 Running  0\ndb  Running  0\nworker-a-long-name  Error  3\n"
    check = one("every row has STATUS Running", crooked)
    assert not check.ok and "row worker-a-long-name: STATUS Error" in check.detail


def test_markdown_pipe_table() -> None:
    table = "| NAME | STATE | RESTARTS |\n|---|---|---|\n| web | running | 0 |\n| db | running | 1 |\n"
    assert one("every row has STATE running", table).ok
    assert not one("no row has RESTARTS above 0", table).ok


def test_no_table_is_error_and_truncated_every_row_is_not_a_pass() -> None:
    assert is_error(one("every row has STATUS running", "nothing here\n"))
    found = checks("every row has STATUS Running", KUBECTL.replace("CrashLoopBackOff", "Running"), truncated=True)
    assert is_error(found[0])


# --- runbook check ----------------------------------------------------------------------------------

def test_check_suggests_v2_forms_for_a_near_miss() -> None:
    from runbook.lint.check import check_document

    doc = "# t\n\n## 1. a\n\n```bash\ncurl -si localhost\n```\n\nPASS if: the service answers with a good HTTP code.\n"
    [finding] = [f for f in check_document(doc) if f.code == "RB201"]
    assert "HTTP status is 200" in finding.hint


def test_check_accepts_every_v2_form_and_flags_curl_without_status() -> None:
    from runbook.lint.check import check_document

    body = ", ".join(text for text, _ in V2_FORMS if "column" not in text)
    doc = f"# t\n\n## 1. a\n\n```bash\ncurl -s localhost\n```\n\nPASS if: {body}.\n"
    codes = [f.code for f in check_document(doc)]
    assert "RB201" not in codes and "RB204" in codes
    assert "RB204" not in [f.code for f in check_document(doc.replace("curl -s", "curl -si"))]
