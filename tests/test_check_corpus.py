"""`runbook check` over every real playbook of the corpus: it never crashes, and finds
what a careful reader finds (checked by eye, document by document)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import corpus_files

from runbook.lint.check import check_document
from runbook.source import Source

pytestmark = pytest.mark.shared

#: document -> finding counts per code. Nearly every real step lacks a PASS/FAIL
#: criterion (RB102) or both that and expected output (RB103): true to the field-trial
#: rule. Other findings, read one by one:
CORPUS_FINDINGS: dict[str, dict[str, int]] = {
    # An Innovation Engine scenario (read as `ie`, docs/dialects.md): runbook's authoring rules
    # (no expected output, variables from another step) do not apply to another tool's document.
    "Azure__InnovationEngine__docs__helloWorldDemo.md": {},
    # `hook=` is the workshop's own attribute (two blocks): unknown to runbook.
    "aws-samples__eks-workshop-v2__website__docs__introduction__basics__services__index.md":
        {"RB103": 4, "RB301": 2, "RB102": 9, "RB201": 6},
    "cert-manager__website__content__docs__installation__verify.md": {"RB102": 5, "RB103": 2, "RB201": 2},
    "docker__awesome-compose__nginx-flask-mysql__README.md": {"RB102": 3, "RB201": 1, "RB103": 1},
    # scrut's `title=` attributes on three blocks; $MY_VERSION is exported in an earlier step.
    "facebookincubator__scrut__website__docs__tutorial__04-output-expectations.md": {"RB102": 3, "RB301": 3},
    # GitHub Docs templates: {% data variables... %}, <em>USERNAME</em>, <em>REPOSITORY</em>,
    # <user>/<repo>: every one is input a reader must supply (17 uses over the steps).
    "github__docs__content__get-started__getting-started-with-git__managing-remote-repositories.md":
        {"RB102": 11, "RB501": 17, "RB201": 9, "RB103": 2},
    # "# Expected output: Docker version 24.x.x or later" cannot be checked (manual);
    # <container-id>, <process-id> are placeholders; the closing "Success Criteria"
    # heading is followed by prose and a checklist, not by a clause or a list.
    "johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md":
        {"RB103": 7, "RB102": 9, "RB201": 9, "RB802": 1, "RB501": 2},
    # the first MkDocs tab's step has expected output but no PASS criterion.
    "knative__docs__docs__versioned__getting-started__first-service.md": {"RB102": 1},
    "openshift__runbooks__alerts__cluster-etcd-operator__etcdMembersDown.md": {"RB201": 4, "RB102": 4, "RB103": 2},
    "parrsi01__network-engineering-security-foundation__labs__lab_01_linux_network_basics__step_by_step_guide.md":
        {"RB103": 2, "RB102": 4},
    # NAMESPACE is assigned in the block before it is used.
    "prometheus-operator__runbooks__content__runbooks__etcd__etcdBackendQuotaLowSpace.md": {"RB103": 2, "RB201": 2, "RB102": 2},
}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:40])
def test_corpus_document_findings(path):
    found = check_document(Source.read(path).text, str(path))
    assert dict(Counter(f.code for f in found)) == CORPUS_FINDINGS[path.name]
    for f in found:
        assert f.path == str(path) and f.line >= 1 and f.col >= 1 and f.message and f.hint


def test_every_corpus_document_has_an_expectation():
    assert {p.name for p in corpus_files()} == set(CORPUS_FINDINGS)
