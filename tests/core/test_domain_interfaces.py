"""Reports ask the other domains' services, never their tables.

Read from the source, like `test_architecture`: a module under `learning.reports` imports no
other domain's `models` module, so every figure about progress, certificates, cohorts or
courses goes through that domain's public functions (`progress.completion`,
`progress.activity`, `certificates.services`, `cohorts.members`, `cohorts.access`,
`catalog.outline`).

The one exception is accounts' `User` (and `utcnow`): a report is a list of people, joined,
filtered and sorted by their name, email, country and organisation in SQL; wrapping each
of those columns in a function would hide the query without making it any smaller.
"""

from tests.core.test_architecture import _imports, _sources

ALLOWED = {"learning.accounts.models"}


def _foreign_models(name: str, imported: set[str]) -> set[str]:
    """The `models` modules of other domains that a module of `learning.reports` imports."""
    own = ".".join(name.split(".")[:2])
    found = set()
    for target in imported:
        parts = target.split(".")
        if "models" in parts:
            module = ".".join(parts[:parts.index("models") + 1])
            if not module.startswith(own + ".") and module not in ALLOWED:
                found.add(module)
    return found


def test_reports_import_no_other_domains_models():
    sources = _sources()
    known = set(sources)
    reports = {name: _imports(tree, known) for name, tree in sources.items()
               if name.startswith("learning.reports")}
    assert reports
    offending = {name: sorted(_foreign_models(name, imported))
                 for name, imported in reports.items()}
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_check_finds_a_foreign_models_import():
    assert _foreign_models("learning.reports.listing",
                           {"learning.progress.models.Progress", "learning.reports.models",
                            "learning.accounts.models.User", "learning.progress.activity"}
                           ) == {"learning.progress.models"}
