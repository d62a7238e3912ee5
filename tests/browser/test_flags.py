"""The browser the tests drive is the one conftest.py asks for: no switch of Playwright's lost."""

import pytest

from tests.browser.conftest import DISABLED_FEATURES

pytestmark = pytest.mark.browser


def _switch_values(command_line: str, name: str) -> list[list[str]]:
    prefix = f"--{name}="
    return [word.removeprefix(prefix).split(",") for word in command_line.split()
            if word.startswith(prefix)]


def test_the_last_disable_features_switch_keeps_every_feature_switched_off_before_it(context):
    """Chromium reads only the last --disable-features: it must hold Playwright's list and ours."""
    page = context.new_page()
    page.goto("chrome://version")
    switches = _switch_values(page.locator("#command_line").inner_text(), "disable-features")
    assert len(switches) >= 2, switches  # Playwright's, then ours
    wanted = {feature for switch in switches for feature in switch}
    assert wanted <= set(switches[-1]), sorted(wanted - set(switches[-1]))
    assert switches[-1] == DISABLED_FEATURES
    assert "RenderDocument" in switches[-1]
