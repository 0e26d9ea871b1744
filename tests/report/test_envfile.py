"""The .env reader (python-dotenv's parser with lines) on real files, and `migrator init` reading through it."""

from __future__ import annotations

from pathlib import Path

from migrator.config_init import detect
from migrator.report.envfile import EnvVar, env_files, parse_env, read_env

REPO = Path(__file__).resolve().parents[2]
ENV = REPO / "tests" / "fixtures" / "report" / "env"


def test_fixture_env_file() -> None:
    env = read_env(ENV / ".env")
    assert env.vars == (
        EnvVar("DATABASE_URL", "postgresql://app:secret@pgbouncer:6432/app", 2),
        EnvVar("DIRECT_URL", "postgresql://app:secret@db:5432/app", 3),  # export, quotes and comment dropped
        EnvVar("PGHOST", "db", 6),  # after two blank lines: the key's own line
        EnvVar("SINGLE", "keeps ${PGHOST} and \\n as written", 7),  # single quotes: no escapes
        EnvVar("DOUBLE", "line one\nline two", 8),  # double quotes: \n is a newline
        EnvVar("POOL_URL", "postgresql://${DB_USER:-app}@${PGHOST}:6432/app", 9),  # never interpolated
        EnvVar("CA_CERT", "-----BEGIN CERTIFICATE-----\nREPLICA_URL=postgresql://not-a-variable@db/app\n"
                          "-----END CERTIFICATE-----", 10),  # one value over three lines
        EnvVar("EMPTY", "", 13),
        EnvVar("BARE", None, 14),
        EnvVar("INDENTED", "spaced", 15),
        EnvVar("DATABASE_URL", "postgresql://app:secret@db:5432/app", 17),
    )
    assert env.errors == (16,)
    assert env.as_dict()["DATABASE_URL"] == EnvVar("DATABASE_URL", "postgresql://app:secret@db:5432/app", 17)
    assert "REPLICA_URL" not in env.as_dict()


def test_env_files_in_a_folder() -> None:
    # .envrc is a direnv shell script, not a dotenv file.
    assert [p.name for p in env_files(ENV)] == [".env", ".env.example", ".env.local", ".env.production.local"]
    assert read_env(ENV / ".env.local").vars == (EnvVar("DATABASE_URL", "postgresql://me@localhost/app", 1),)
    assert read_env(ENV / ".env.production.local").vars == (EnvVar("DATABASE_URL", "postgresql://app@db-prod/app", 1),)
    assert env_files(ENV / "missing") == []


def test_lines(tmp_path: Path) -> None:
    text = "\n\n# c\n\nA=1\n\n\nB='x\n\ny'\n   \nC=3 # d\n"
    assert parse_env(text) == ([EnvVar("A", "1", 5), EnvVar("B", "x\n\ny", 8), EnvVar("C", "3", 12)], [])
    (tmp_path / ".env").write_bytes("\ufeffA=1\r\nB=2\r\n".encode())  # a BOM and CRLF line ends
    assert read_env(tmp_path / ".env").vars == (EnvVar("A", "1", 1), EnvVar("B", "2", 2))


def test_init_reads_env_examples_through_the_parser(tmp_path: Path) -> None:
    # The URL inside a multi-line value is not a variable; `export` and quotes are read.
    (tmp_path / ".env.example").write_text(
        "export APP_DB_URL='postgresql://u@db/app'\n"
        "CERT=\"-----BEGIN-----\nREPLICA_URL=postgresql://u@replica/app\n-----END-----\"\n"
        "WAREHOUSE=\"mysql://u@wh/w\" # reporting\n"
        "SECRET_KEY=abc\n")
    assert detect(tmp_path).env_vars == ("APP_DB_URL", "WAREHOUSE")
