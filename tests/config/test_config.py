"""migrator.toml: finding it, reading it, and the file:line of every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.config import CheckSpec, DriftSpec, compare_options, load_config, read_config, resolve_source
from migrator.errors import BadInput


def write(folder: Path, text: str, name: str = "migrator.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, prefix: str = "") -> str:
    with pytest.raises(BadInput) as info:
        read_config(path, prefix)
    return str(info.value)


FULL = """\
fail_on = "warning"
ignore = ["public.spatial_ref_sys*"]

[sources]
prisma = "prisma:prisma/schema.prisma"
migrations = "sql:prisma/migrations"
db = "sqlite:///data/app.db"
bare = "schema.sql"
models = { spec = "sqlalchemy:app.models:Base", dialect = "sqlite" }
live = { env = "MIGRATOR_TEST_LIVE", schemas = ["public"] }

[[check]]
name = "migrations"
from = "migrations"
to = "prisma"

[[check]]
from = "live"
to = "migrations"
fail_on = "info"
partial = "to"

[drift]
live = "live"
legacy = "prisma"

[severity]
alter_column_default = "info"
MG302 = "warning"

[renames]
"public.users.name" = "public.users.full_name"

[scan]
exclude = ["src/generated/**"]
"""


def test_a_full_config_is_read_with_paths_resolved_against_its_folder(tmp_path: Path) -> None:
    path = write(tmp_path / "repo", FULL)
    config = read_config(path)
    root = (tmp_path / "repo").resolve()
    assert config.path == path.resolve() and config.root == root
    assert config.fail_on == "warning"
    assert config.ignore == ("public.spatial_ref_sys*",)
    src = config.sources
    assert src["prisma"].spec == f"prisma:{root}/prisma/schema.prisma"
    assert src["prisma"].written == "prisma:prisma/schema.prisma" and src["prisma"].line == 5
    assert src["migrations"].spec == f"sql:{root}/prisma/migrations"
    assert src["db"].spec == f"sqlite:///{root}/data/app.db"
    assert src["bare"].spec == f"{root}/schema.sql"
    assert src["models"].spec == "sqlalchemy:app.models:Base"
    assert src["models"].project_path == str(root) and src["models"].dialect == "sqlite"
    assert src["live"].env == "MIGRATOR_TEST_LIVE" and src["live"].spec is None
    assert src["live"].schemas == ("public",) and src["live"].label == "$MIGRATOR_TEST_LIVE"
    assert config.checks == (
        CheckSpec("migrations", "migrations", "prisma", None, 12),
        CheckSpec("live-vs-migrations", "live", "migrations", "info", 17, "to"),
    )
    assert config.drift == DriftSpec(live="live", legacy="prisma")
    assert config.severity == {"alter_column_default": "info", "MG302": "warning"}
    assert config.renames == {"public.users.name": "public.users.full_name"}
    assert config.scan == {"exclude": ["src/generated/**"]} and config.report == {}
    options = compare_options(config)
    assert options.renames == (("public.users.name", "public.users.full_name"),)
    assert options.ignore == ("public.spatial_ref_sys*",)
    assert options.severity == (("alter_column_default", "info"), ("MG302", "warning"))


def test_env_sources_are_read_when_resolved_and_a_missing_variable_names_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = read_config(write(tmp_path, FULL))
    monkeypatch.delenv("MIGRATOR_TEST_LIVE", raising=False)
    with pytest.raises(BadInput, match=r"migrator.toml:10: source 'live' reads MIGRATOR_TEST_LIVE, which is not set$"):
        resolve_source(config, "live")
    monkeypatch.setenv("MIGRATOR_TEST_LIVE", "postgresql://app:s3cret@db/app")
    assert resolve_source(config, "live") == "postgresql://app:s3cret@db/app"
    assert resolve_source(config, "prisma") == config.sources["prisma"].spec
    with pytest.raises(BadInput, match=r"no source named 'prima'.*did you mean 'prisma'\?"):
        resolve_source(config, "prima")


def test_lookup_walks_up_to_the_repository_root_and_migrator_toml_wins(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    assert load_config(deep) is None
    write(repo, '[tool.migrator]\nfail_on = "info"\n', "pyproject.toml")
    assert load_config(deep).fail_on == "info"
    write(repo, 'fail_on = "warning"\n')
    assert load_config(deep).fail_on == "warning"
    # A pyproject.toml without [tool.migrator] nearer to the start is passed over.
    write(repo / "a", '[project]\nname = "x"\n', "pyproject.toml")
    assert load_config(deep).path == (repo / "migrator.toml").resolve()
    # Nothing above the repository root is looked at.
    write(tmp_path, 'fail_on = "info"\n')
    (repo / "migrator.toml").unlink()
    (repo / "pyproject.toml").unlink()
    assert load_config(deep) is None


def test_pyproject_errors_point_at_lines_inside_tool_migrator(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.migrator.sources]\nprisma = "prisma:schema.prisma"\n\n'
        '[[tool.migrator.check]]\nfrom = "prisma"\nto = "drizle"\n',
        "pyproject.toml",
    )
    message = error_of(path, "tool.migrator")
    assert message.endswith("pyproject.toml:9: check to 'drizle' is not in [sources] (defined: prisma)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('fail_on = "error"\nchecks = []\n', ":2: unknown key 'checks'; did you mean 'check'?"),
        ('fail_on = "eror"\n', ":1: fail_on must be one of error, warning, info, not 'eror'; did you mean 'error'?"),
        ('[sources]\na = "sql:x.sql"\nb = { spec = "sql:y.sql", dialekt = "sqlite" }\n',
         ":3: unknown key 'dialekt' in sources.b; did you mean 'dialect'?"),
        ('[sources]\na = { spec = "x.sql", env = "X" }\n', ":2: source 'a' needs exactly one of spec"),
        ('[sources]\na = { env = "not a name" }\n', ":2: source 'a': env must name an environment variable"),
        ('[sources]\na = "prsma:schema.prisma"\n', ":2: source 'a': unknown scheme 'prsma:' in 'prsma:schema.prisma'; did you mean 'prisma:'?"),
        ('[sources]\na = "x.sql"\n\n[[check]]\nfrom = "a"\nto = "a"\n\n[[check]]\nfrom = "a"\n',
         ":8: check 2 has no to = \"<source name>\""),
        ('[sources]\na = "x.sql"\n\n[[check]]\nfrom = "a"\nto = "a"\nfial_on = "info"\n',
         ":7: unknown key 'fial_on' in [[check]] 1; did you mean 'fail_on'?"),
        ('[sources]\na = "x.sql"\n[[check]]\nfrom = "a"\nto = "a"\n[[check]]\nfrom = "a"\nto = "a"\n',
         ":6: two checks are named 'a-vs-a'"),
        ('[sources]\na = "x.sql"\n[[check]]\nfrom = "a"\nto = "a"\npartial = "both"\n', ":6: check 'a-vs-a': partial must be"),
        ('[sources]\na = "x.sql"\n[drift]\nlive = "a"\nlegasy = "a"\n', ":5: unknown key 'legasy' in [drift]; did you mean 'legacy'?"),
        # Every section's keys are checked, not only the top level's.
        ('[scan]\nlegacy = ["prisma"]\ntaget = ["drizzle"]\n', ":3: unknown key 'taget' in [scan]; did you mean 'target'?"),
        ('[scan]\nentry_modules = [{ path = "src/db.ts", layr = "prisma" }]\n',
         ":2: unknown key 'layr' in [scan] entry_modules 1; did you mean 'layer'?"),
        ('[scan]\nentry_modules = [{ path = "src/db.ts" }]\n', ":2: entry module 1 needs layer = \"…\""),
        ('[report]\nouts = "reports"\n', ":2: unknown key 'outs' in [report]; did you mean 'out'?"),
        ('[rewrite]\nsession_name = ["session"]\n', ":2: unknown key 'session_name' in [rewrite]; did you mean 'session_names'?"),
        ('[rewrite]\ncolour = "red"\n', ":2: unknown key 'colour' in [rewrite]"),
        ('[sources]\na = "x.sql"\n[drift]\nlive = "b"\n', ":4: drift live 'b' is not in [sources] (defined: a)"),
        ('[severity]\ndrop_colum = "info"\n', ":2: unknown change kind or hazard code 'drop_colum'; did you mean 'drop_column'?"),
        ('[severity]\nMG999 = "info"\n', ":2: unknown change kind or hazard code 'MG999'"),
        ('[severity]\ndrop_column = "low"\n', ":2: severity of drop_column must be one of error, warning, info, not 'low'"),
        ('[renames]\n"public.a" = 3\n', ":2: rename of 'public.a' must be the new path as a string"),
        ('ignore = [1]\n', ":1: ignore must be a list of strings"),
        ('sources = "x"\n', ":1: sources must be a table ([sources]), not a string"),
        ('[sources]\nlive = "postgresql://app:hunter2@db:5432/app"\n',
         ":2: source 'live' has a password in its URL (postgresql://app:***@db:5432/app); this file is committed, "
         "so read the URL from the environment instead: live = { env = \"DATABASE_URL\" }"),
        ('[sources]\nlive = "postgresql://app@db/app?password=hunter2"\n', ":2: source 'live' has a password in its URL"),
    ],
)
def test_mistakes_are_bad_input_naming_file_line_and_what_is_wrong(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, text))
    assert "migrator.toml" + expected in message
    assert "hunter2" not in message


def test_a_url_without_a_password_may_be_written_in_the_file(tmp_path: Path) -> None:
    config = read_config(write(tmp_path, '[sources]\nlocal = "postgresql://app@localhost/app"\n'))
    assert config.sources["local"].spec == "postgresql://app@localhost/app"


def test_syntax_errors_carry_tomllib_positions(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, 'fail_on = "error"\nfail_on = "info"\n'))
    assert message.endswith("migrator.toml:2:17: invalid TOML: cannot overwrite a value")
    message = error_of(write(tmp_path, '[sources]\na = [\n'))
    assert message.endswith("migrator.toml:2: invalid TOML: invalid value at the end of the file")


def test_hazard_codes_and_kinds_are_accepted_severity_keys(tmp_path: Path) -> None:
    config = read_config(write(tmp_path, '[severity]\nMG102 = "info"\nadd_index = "error"\n'))
    assert config.severity == {"MG102": "info", "add_index": "error"}
