"""An ephemeral PostgreSQL cluster: initdb + pg_ctl in a temporary folder on 127.0.0.1.

migrator uses it as the scratch database for SQL sources when no --dev-url is given, and
the test suite uses it as its real server. PostgreSQL refuses to run as root, so when we
are root the server runs as the `postgres` OS user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from migrator.errors import EngineUnavailable

_SEARCH_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/pgsql-*/bin")


def find_bin(name: str) -> str | None:
    """The path of a PostgreSQL server binary, newest version first."""
    found = shutil.which(name)
    if found:
        return found
    for pattern in _SEARCH_DIRS:
        candidates = sorted(glob.glob(os.path.join(pattern, name)), reverse=True)
        if candidates:
            return candidates[0]
    return None


def available() -> bool:
    if find_bin("initdb") is None or find_bin("pg_ctl") is None:
        return False
    return os.geteuid() != 0 or _run_as_user() is not None


def _run_as_user() -> str | None:
    try:
        import pwd

        pwd.getpwnam("postgres")
        return "postgres"
    except (KeyError, ImportError):
        return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None, check: bool = True) -> None:
    """Run initdb or pg_ctl to the end, even through Ctrl-C, then raise the KeyboardInterrupt.

    The child gets a session of its own, so a Ctrl-C in the terminal reaches migrator
    only; and it is never killed halfway (subprocess.run kills it on KeyboardInterrupt,
    which under runuser orphans initdb or pg_ctl, leaving a folder being written or a
    server starting after its folder was removed). stderr is kept for the error message.
    """
    interrupted = False
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                                   cwd=cwd, env=env, start_new_session=True)
        while True:
            try:
                code = process.wait()
                break
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        if check and code != 0:
            errors.seek(0)
            raise subprocess.CalledProcessError(code, argv, stderr=errors.read())


class EphemeralCluster:
    """A throwaway PostgreSQL server. Use as a context manager, or start()/stop()."""

    def __init__(self, superuser: str = "postgres") -> None:
        self.superuser = superuser
        self.port = 0
        self.dir: Path | None = None
        self._as_user: str | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, argv: list[str]) -> list[str]:
        if self._as_user:
            return ["runuser", "-u", self._as_user, "--", *argv]
        return argv

    def start(self) -> EphemeralCluster:
        initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        if not initdb or not pg_ctl:
            raise EngineUnavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        if os.geteuid() == 0:
            self._as_user = _run_as_user()
            if self._as_user is None:
                raise EngineUnavailable("running as root and there is no 'postgres' OS user to run PostgreSQL as")
        try:
            self._make_dir()
            self._start(initdb, pg_ctl)
        except BaseException:
            # Ctrl-C (KeyboardInterrupt) included: no server and no folder is left behind.
            self.stop()
            raise
        return self

    def _make_dir(self) -> None:
        """The scratch folder, named in self.dir before it exists: a Ctrl-C between its creation and the
        assignment (mkdtemp's return) would otherwise leave it behind, unknown to stop()."""
        import secrets

        while True:
            self.dir = Path(tempfile.gettempdir()) / f"migrator-pg-{secrets.token_hex(6)}"
            try:
                self.dir.mkdir(mode=0o700)
                return
            except FileExistsError:
                continue

    def _start(self, initdb: str, pg_ctl: str) -> None:
        assert self.dir is not None
        if self._as_user:
            shutil.chown(self.dir, user=self._as_user)
        data = self.dir / "data"
        env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
        try:
            _run(
                self._cmd([initdb, "-D", str(data), "-U", self.superuser, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]),
                env=env,
                cwd=self.dir,
            )
            self.port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=40 "
                # A migrations folder creates thousands of relations; each holds a lock until commit.
                "-c max_locks_per_transaction=1024"
            )
            _run(
                self._cmd([pg_ctl, "-D", str(data), "-o", options, "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start"]),
                env=env,
                cwd=self.dir,
            )
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
            log = self.dir / "server.log"
            if log.exists():
                detail += log.read_text(errors="replace").strip().splitlines()[-3:]
            raise EngineUnavailable(f"could not start a scratch PostgreSQL server: {' / '.join(detail[-3:])}") from None

    def stop(self) -> None:
        """Stop the server and remove its folder. A Ctrl-C meanwhile is held until both are done, then raised."""
        if self.dir is None:
            return
        interrupted = False
        pg_ctl = find_bin("pg_ctl")
        data = self.dir / "data"
        while True:
            try:
                if pg_ctl and (data / "postmaster.pid").exists():
                    _run(self._cmd([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]), cwd=self.dir, check=False)
                shutil.rmtree(self.dir, ignore_errors=True)
                break
            except KeyboardInterrupt:
                interrupted = True  # finish cleaning up first
        self.dir = None
        if interrupted:
            raise KeyboardInterrupt

    def stop_at_exit(self) -> None:
        """stop() for atexit: the process is ending anyway, so a Ctrl-C during it is no error."""
        try:
            self.stop()
        except KeyboardInterrupt:
            pass

    def __enter__(self) -> EphemeralCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
