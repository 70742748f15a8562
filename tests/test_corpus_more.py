"""The twenty further real documents of corpus/more: which blocks runbook runs, pinned.

Each document maps to one row per step: (first command line, ``run`` or the head of the skip
reason). A change in which blocks are steps, or in why one is skipped, shows here as a
diff of the row. Re-pin after a deliberate change with
``.venv/bin/python tests/test_corpus_more.py`` (prints the table) and read every changed row.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import SHARED  # noqa: E402

from runbook.model import Step  # noqa: E402
from runbook.parse.markdown import parse_file  # noqa: E402

pytestmark = pytest.mark.shared

MORE = SHARED / "corpus" / "more"

MORE_STEPS: dict[str, list[tuple[int, str]]] = {
    "MicrosoftDocs__executable-docs__scenarios__SupportArticles-docs__support__azure__azure-kubernetes__connectivity__user-cannot-get-cluster-resources.md": [(41, "run"), (59, "run"), (85, "run")],
    "MicrosoftDocs__executable-docs__scenarios__azure-aks-docs__articles__aks__kubelet-logs.md": [(27, "run"), (38, "run"), (63, "runs inside `chroot /host`"), (71, "runs inside `more`")],
    "R-A-H-U-L-Kodez__Voltaxe__docs__DATABASE_ARCHITECTURE_CLEANUP.md": [(50, "run"), (141, "run"), (149, "run"), (190, "run"), (225, "run"), (285, "run"), (299, "run"), (312, "run"), (334, "run"), (377, "run"), (390, "run"), (406, "run")],
    "cloudnative-pg__cloudnative-pg__docs__src__quickstart.md": [(50, "run"), (57, "run"), (71, "run"), (110, "run"), (116, "run"), (126, "run"), (198, "run"), (222, "run"), (235, "run"), (252, "run"), (280, "run"), (296, "run"), (303, "run"), (318, "run")],
    "docker-library__docs__docker__content.md": [(39, "run"), (52, "run"), (77, "runs inside the container (`docker run -it`)"), (103, "run"), (158, "run"), (182, "run"), (195, "run"), (220, "run")],
    "docker__awesome-compose__official-documentation-samples__rails__README.md": [(45, "run"), (54, "file to save"), (99, "run"), (110, "run"), (139, "run"), (150, "run"), (185, "run"), (202, "run"), (225, "run")],
    "freckle__stack-lint-extra-deps__README.md": [(17, "run"), (26, "run"), (36, "run")],
    "grafana__killercoda__loki__intro-to-ingest__step2.md": [(18, "run"), (27, "run"), (46, "run"), (56, "run"), (76, "run"), (85, "run")],
    "jaricsng__ai-assisted-devops-labs__docs__modules__11-load-testing.md": [(33, "run"), (42, "run"), (47, "run"), (57, "run"), (62, "run"), (74, "run"), (95, "run"), (118, "run"), (156, "run")],
    "kubernetes__website__content__en__docs__tasks__access-application-cluster__port-forward-access-application-cluster.md": [(33, "run"), (45, "run"), (58, "run"), (72, "run"), (86, "run"), (98, "run"), (111, "run"), (129, "run"), (136, "run"), (142, "run"), (148, "run"), (154, "run"), (167, "runs inside `redis-cli`")],
    "kubernetes__website__content__en__docs__tasks__configure-pod-container__configure-volume-storage.md": [(40, "run"), (47, "run"), (60, "run"), (66, "runs inside a container or another machine as root (prompt `root@redis"), (73, "runs inside a container or another machine as root (prompt `root@redis"), (90, "runs inside a container or another machine as root (prompt `root@redis"), (99, "not a command"), (113, "run"), (118, "runs inside a container or another machine as root (prompt `root@redis"), (126, "run")],
    "kubevirt__monitoring__docs__runbooks__GuestFilesystemAlmostOutOfSpace.md": [(34, "run"), (39, "run"), (46, "runs inside the VM guest (`virtctl console`)"), (53, "runs inside the VM guest (`virtctl console`)"), (72, "run"), (78, "runs inside an editor (`kubectl edit`)"), (85, "run")],
    "linkerd__website__linkerd.io__content__2-edge__getting-started___index.md": [(33, "run"), (60, "run"), (69, "run"), (79, "run"), (107, "run"), (119, "run"), (125, "run"), (149, "run"), (164, "run"), (177, "run"), (194, "run"), (215, "run"), (239, "run"), (245, "run"), (252, "run")],
    "open-feature__killercoda__five-minutes-to-feature-flags__02-cowsay.md": [(24, "run"), (30, "run"), (53, "run"), (60, "run")],
    "openshift__runbooks__alerts__machine-config-operator__MachineConfigDaemonPivotError.md": [(36, "run"), (41, "not a command"), (46, "not a command"), (52, "not a command"), (59, "not a command"), (90, "not a command"), (96, "runs inside a node or pod shell (`oc debug`)"), (105, "not a command"), (113, "run"), (124, "not a command"), (132, "run"), (140, "run")],
    "prometheus__docs__docs__guides__node-exporter.md": [(18, "run"), (52, "run"), (69, "run"), (91, "run"), (99, "run")],
    "rust-lang__book__src__ch01-02-hello-world.md": [(30, "run"), (39, "platform"), (72, "run"), (80, "platform"), (160, "run"), (170, "run"), (179, "platform"), (191, "run")],
    "shevchenkod__DevOps-Lab-Full-Cycle-Homelab-Platform__docs__runbooks__vault-init.md": [(16, "run"), (26, "run"), (48, "run"), (64, "run"), (78, "run"), (94, "platform"), (108, "run"), (127, "run"), (139, "run"), (158, "run"), (181, "run")],
    "squidfunk__mkdocs-material__docs__creating-your-site.md": [(7, "run"), (27, "shown, not run (class .no-copy)"), (198, "run"), (238, "run")],
    "ytsaurus__ytsaurus__yt__yt__tools__cypress_nbd_server__README.md": [(7, "run"), (22, "run"), (55, "run"), (61, "run"), (67, "run"), (73, "run"), (79, "run"), (86, "run"), (93, "run"), (99, "run"), (105, "run")],
}


def _more_files() -> list[Path]:
    if not MORE.is_dir():
        return [MORE / "absent.md"]
    return sorted(p for p in MORE.glob("*.md") if p.name != "SOURCES.md")


def _row(s: Step) -> tuple[int, str]:
    line = s.commands[0].line if s.commands else s.span.start + 1
    return line, "run" if s.skip_reason is None else s.skip_reason.split(":")[0]


def rows(path: Path) -> list[tuple[int, str]]:
    return [_row(s) for s in parse_file(str(path)).steps]


FILES = _more_files()


def test_the_table_covers_every_more_document():
    assert sorted(p.name for p in FILES) == sorted(MORE_STEPS)


@pytest.mark.parametrize("path", FILES, ids=[p.name[:40] for p in FILES])
def test_more_document_runs_only_its_commands(path):
    assert rows(path) == MORE_STEPS[path.name]


if __name__ == "__main__":
    for f in FILES:
        print(f"    {f.name!r}: {rows(f)!r},".replace("'", '"'))
