"""The browsers the tests drive are as conftest.py asks: no switch of Playwright's lost."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import DISABLED_FEATURES, HEADLESS_SHELL, installed

pytestmark = pytest.mark.browser


def _switch_values(command_line: str, name: str) -> list[list[str]]:
    prefix = f"--{name}="
    return [word.removeprefix(prefix).split(",") for word in command_line.split()
            if word.startswith(prefix)]


def _keeps_every_feature_switched_off(command_line: str) -> None:
    """Chromium reads only the last --disable-features: it must hold Playwright's list and ours."""
    switches = _switch_values(command_line, "disable-features")
    assert len(switches) >= 2, switches  # Playwright's, then ours
    wanted = {feature for switch in switches for feature in switch}
    assert wanted <= set(switches[-1]), sorted(wanted - set(switches[-1]))
    assert switches[-1] == DISABLED_FEATURES
    assert "RenderDocument" in switches[-1]


def test_the_last_disable_features_switch_keeps_every_feature_switched_off_before_it(context):
    page = context.new_page()
    page.goto("chrome://version")
    _keeps_every_feature_switched_off(page.locator("#command_line").inner_text())


def _shell_command_lines() -> list[str]:
    """The command lines of the headless shells Playwright launched (it has no chrome://version)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # ended meanwhile
        # /usr/bin's is Debian's script starting /usr/lib/chromium's program.
        if Path(words[0]).name == Path(HEADLESS_SHELL).name and "--remote-debugging-pipe" in words:
            found.append(" ".join(words))
    return found


def test_the_headless_shell_keeps_every_feature_switched_off_too(shell_browser):
    if not installed(HEADLESS_SHELL):
        pytest.skip("no headless shell: the corpus runs in the full browser")
    lines = _shell_command_lines()
    assert lines
    for line in lines:
        _keeps_every_feature_switched_off(line)
