"""docs/diff.md documents every change kind and hazard code the code knows, as the code says them.

Reports link each hazard code to its anchor in docs/diff.md and each change kind to the
table there (migrator.render.checks.REFERENCE_URL), so a kind or code missing from the page
is a dead link in every SARIF and Markdown report.
"""

from __future__ import annotations

import re
from pathlib import Path

from migrator.verify.changes import KINDS
from migrator.verify.hazards import HAZARDS

DIFF_DOC = Path(__file__).resolve().parent.parent / "docs" / "diff.md"


def _kind_rows() -> dict[str, tuple[str, str, str]]:
    text = DIFF_DOC.read_text().split("## Change kinds", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+?) \| ([^|]+?) \| `(\w+)` \|", text, re.MULTILINE)
    # "enum value" is the object enum_value; "(…)" explains; "warning (info when …)" names the default first.
    return {kind: (obj.split(" (")[0].replace(" ", "_"), severity.split()[0], reverse) for kind, obj, severity, reverse in rows}


def test_every_change_kind_has_its_row_with_the_code_s_object_severity_and_reverse() -> None:
    rows = _kind_rows()
    assert sorted(set(KINDS) - set(rows)) == []
    assert sorted(set(rows) - set(KINDS)) == []
    wrong = {k: rows[k] for k, spec in KINDS.items() if rows[k] != (spec.object, spec.severity, spec.reverse)}
    assert wrong == {}


def test_every_hazard_code_has_an_anchor() -> None:
    text = DIFF_DOC.read_text()
    missing = [h.code for h in HAZARDS if f'<a id="{h.code.lower()}"></a>`{h.code}`' not in text]
    assert missing == []


# --- the command reference: one page per command, every flag on it -------------------------

DOCS = DIFF_DOC.parent
# A command's page is docs/commands/<name>.md; rewrite's options live in docs/rewrite.md, linked from it.
EXTRA_PAGES = {"rewrite": ["rewrite.md"]}


def _commands() -> dict[str, list[str]]:
    """Every command `migrator --help` lists, with every option string (long, short, --no-…) it takes."""
    import typer

    from migrator.cli import app

    group = typer.main.get_command(app)
    ctx = group.context_class(group)
    commands = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command.hidden:
            continue
        opts = [o for p in command.params if p.param_type_name == "option" for o in (*p.opts, *p.secondary_opts)]
        commands[name] = opts
    return commands


def test_every_command_has_its_page_and_every_flag_is_on_it() -> None:
    commands = _commands()
    assert {"inspect", "diff", "drift", "check", "init", "scan", "report", "rewrite", "sources"} <= set(commands)
    missing_pages = [name for name in commands if not (DOCS / "commands" / f"{name}.md").is_file()]
    assert missing_pages == []
    missing_flags = {}
    for name, opts in commands.items():
        text = "\n".join((DOCS / page).read_text() for page in [f"commands/{name}.md", *EXTRA_PAGES.get(name, [])])
        # a flag counts where it stands as a word: `--format`, `--format text|json`, `-f`; never as part of another
        lost = [o for o in opts if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
        if lost:
            missing_flags[name] = lost
    assert missing_flags == {}


def test_every_command_page_has_exit_codes_and_an_example() -> None:
    for name in _commands():
        text = "\n".join((DOCS / page).read_text() for page in [f"commands/{name}.md", *EXTRA_PAGES.get(name, [])])
        assert re.search(r"(?i)exit", text), name
        assert "## Example" in text, name


def test_readme_is_the_front_door_and_its_links_resolve() -> None:
    root = DOCS.parent
    readme = (root / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    for name in _commands():
        assert f"docs/commands/{name}.md" in readme, name
    # every relative link in README.md and docs/ points at a file that exists
    dead = []
    for page in [root / "README.md", *DOCS.rglob("*.md")]:
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)\s]*)?\)", page.read_text()):
            if target.startswith(("http:", "https:", "mailto:")):
                continue
            if not (page.parent / target).exists():
                dead.append(f"{page.relative_to(root)}: {target}")
    assert dead == []
