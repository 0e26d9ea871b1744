"""`migrator generate sqlalchemy`: the command around generate_sqlalchemy (tests/generate/test_sqlalchemy.py
proves the models themselves)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..cli.test_inspect_cli import invoke, one_line_error
from ..conftest import EXAMPLES

LEARNHUB = EXAMPLES / "learnhub"


@pytest.fixture(scope="module")
def learnhub_db(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("learnhub") / "learnhub.db"
    proc = subprocess.run([sys.executable, str(LEARNHUB / "build_db.py"), "--output", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_learnhub_models_generated_from_its_database_equal_the_hand_written_ones(tmp_path: Path, learnhub_db: Path) -> None:
    out = tmp_path / "learnhub_generated.py"
    result = invoke("generate", "sqlalchemy", f"sqlite:///{learnhub_db}", "--out", str(out), "--verify")
    assert result.exit_code == 0, result.output
    assert "verify: sqlalchemy:learnhub_generated reads back as the source (0 changes)" in result.output
    # Two model modules in two folders: --project-path takes both, as PYTHONPATH does.
    diff = invoke("diff", "sqlalchemy:learnhub.models", "sqlalchemy:learnhub_generated",
                  "--project-path", f"{LEARNHUB}{os.pathsep}{tmp_path}", "--input-dialect", "sqlite")
    assert diff.exit_code == 0, diff.output
    assert "no drift" in diff.output


def test_check_and_a_folder_for_models_py(tmp_path: Path, learnhub_db: Path) -> None:
    spec = f"sqlite:///{learnhub_db}"
    assert invoke("generate", "sqlalchemy", spec, "--out", str(tmp_path)).exit_code == 0
    assert (tmp_path / "models.py").read_text().startswith('"""')
    assert invoke("generate", "sqlalchemy", spec, "--out", str(tmp_path), "--check").exit_code == 0
    (tmp_path / "models.py").write_text("# edited\n")
    assert invoke("generate", "sqlalchemy", spec, "--out", str(tmp_path), "--check").exit_code == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--layout", "per-table"], "--layout applies to generate drizzle only"),
    (["--client"], "--client applies to generate drizzle only"),
    (["--casing", "camel"], "--casing applies to generate drizzle only"),
])
def test_drizzle_only_options_are_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke("generate", "sqlalchemy", f"prisma:{EXAMPLES / 'tutorme' / 'prisma' / 'schema.prisma'}",
                    "--out", str(tmp_path / "m.py"), *args)
    assert result.exit_code == 2
    assert one_line_error(result) and message in result.stderr


def test_a_module_name_that_cannot_be_imported_is_bad_input(tmp_path: Path) -> None:
    result = invoke("generate", "sqlalchemy", f"prisma:{EXAMPLES / 'tutorme' / 'prisma' / 'schema.prisma'}",
                    "--out", str(tmp_path / "my-models.py"), "--verify")
    assert result.exit_code == 2 and "must be a Python identifier" in result.stderr
    assert not (tmp_path / "my-models.py").exists()
