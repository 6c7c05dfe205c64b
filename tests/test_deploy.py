"""The deployment files agree with the code: an operator following them gets a working setup."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        names.update(re.findall(r'"(HELPDESK_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    return names


def test_env_example_explains_every_setting_the_code_reads():
    documented = set(re.findall(r"^#?\s*(HELPDESK_[A-Z_]+)=", (DEPLOY / "env.example").read_text(),
                                re.MULTILINE))
    missing = settings_read_by_the_code() - documented
    assert not missing, f"not in deploy/env.example: {sorted(missing)}"


def test_compose_runs_signal_in_json_rpc_mode_and_mounts_content_read_only():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    signal, helpdesk = compose["services"]["signal-cli"], compose["services"]["helpdesk"]
    assert signal["environment"]["MODE"] == "json-rpc"
    assert all(p.startswith("127.0.0.1:") for p in signal.get("ports", []))  # not on the network
    content_dir = helpdesk["environment"]["HELPDESK_CONTENT_DIR"]
    assert f"../content:{content_dir}:ro" in helpdesk["volumes"]
    host, port = helpdesk["environment"]["HELPDESK_SIGNAL_SERVICE"].split(":")
    assert host == "signal-cli" and port.isdecimal()
    assert (DEPLOY / helpdesk["build"]["dockerfile"].removeprefix("deploy/")).exists()


def test_the_image_runs_as_an_unprivileged_user_on_mounted_content():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "HELPDESK_CONTENT_DIR=/content" in dockerfile
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)


def test_the_systemd_unit_starts_the_installed_command_with_a_private_data_folder():
    unit = (DEPLOY / "helpdesk.service").read_text()
    assert re.search(r"^ExecStart=\S+/helpdesk run$", unit, re.MULTILINE)
    assert "StateDirectoryMode=0700" in unit and "User=helpdesk" in unit
