"""A throwaway PostgreSQL server for tests: Debian's ``postgresql`` package, a temporary folder,
loopback only, an unprivileged user (``postgres`` when the tests run as root)."""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def find_or_install() -> tuple[Path | None, str]:
    """The folder of ``initdb``/``pg_ctl``, installing Debian's package if it is missing and we
    may; else ``(None, why not)``."""
    bindir = _bindir()
    if bindir:
        return bindir, ""
    if not shutil.which("apt-get"):
        return None, "PostgreSQL is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return None, "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = subprocess.run("apt-get install -y -qq postgresql || (apt-get update -qq && apt-get install -y -qq "
                          "postgresql)", shell=True, capture_output=True, text=True, env=env, timeout=900)
    bindir = _bindir()
    if bindir:
        return bindir, ""
    return None, f"apt-get install postgresql failed: {(proc.stdout + proc.stderr)[-300:]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(bindir: Path):
    """Start a server; yield a function ``url(database)`` that creates a database and returns its
    SQLAlchemy URL.  Everything is removed afterwards."""
    import psycopg2

    home = Path(tempfile.mkdtemp(prefix="cnn-pg-", dir="/tmp"))
    run_as: list[str] = []
    if os.geteuid() == 0:   # PostgreSQL refuses to run as root
        shutil.chown(home, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = home / "data", _free_port()

    def pg(*argv):
        proc = subprocess.run(run_as + [str(bindir / argv[0]), *argv[1:]], capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {proc.stdout[-1500:]}{proc.stderr[-1500:]}")

    try:
        pg("initdb", "-D", str(data), "-U", "cnn", "--auth=trust", "-E", "UTF8", "--no-instructions")
        pg("pg_ctl", "-D", str(data), "-l", str(home / "server.log"), "-w", "-t", "120",
           "-o", f"-h 127.0.0.1 -p {port} -k {home} -c fsync=off", "start")

        def url(database: str) -> str:
            conn = psycopg2.connect(host="127.0.0.1", port=port, user="cnn", dbname="postgres")
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{database}"')
            conn.close()
            return f"postgresql+psycopg2://cnn@127.0.0.1:{port}/{database}"

        yield url
    finally:
        with contextlib.suppress(Exception):
            pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)
