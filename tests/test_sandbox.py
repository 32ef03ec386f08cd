"""The sandbox around student code (grading.sandbox, bubblewrap): what a process inside can and cannot do."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest

from grading import sandbox as sb


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    try:
        sb.check()
    except sb.SandboxUnavailable as err:
        pytest.skip(f"bubblewrap cannot run here: {err}")
    # outside /tmp, which the sandbox replaces with a private one
    course = Path(tempfile.mkdtemp(prefix="cnn-sandbox-course-", dir="/var/tmp"))
    for name in ("solutions", "grading", "submitted/other", "notebooks"):
        (course / name).mkdir(parents=True)
    (course / "solutions" / "answer.txt").write_text("the answer")
    (course / "grading" / "hidden.py").write_text("SECRET = 1")
    (course / "submitted" / "other" / "work.ipynb").write_text("{}")
    (course / "gradebook.db").write_text("grades")
    (course / "notebooks" / "release.txt").write_text("student version")
    yield sb.Sandbox(hidden_roots=[course], memory_bytes=512 << 20, max_processes=64), course
    shutil.rmtree(course, ignore_errors=True)


def _run(box, code: str, scratch, timeout=60):
    sandbox, _ = box
    argv, env = sandbox.wrap([sys.executable, "-c", textwrap.dedent(code)], dict(os.environ), scratch)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)


def test_instructor_files_are_hidden_and_the_release_is_readable(box, tmp_path):
    _, course = box
    proc = _run(box, f"""
        import os
        c = {str(course)!r}
        try:
            book = repr(open(c + '/gradebook.db').read())
        except OSError:
            book = 'denied'
        print(sorted(os.listdir(c + '/solutions')), sorted(os.listdir(c + '/grading')),
              sorted(os.listdir(c + '/submitted')), book, open(c + '/notebooks/release.txt').read())
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    words = proc.stdout.split()
    assert words[:3] == ["[]", "[]", "[]"] and words[3] in ("''", "denied") and words[4:] == ["student", "version"]


def test_writes_go_to_the_scratch_folder_only(box, tmp_path):
    _, course = box
    proc = _run(box, f"""
        import os
        open('in_scratch.txt', 'w').write('ok')
        open(os.environ['TMPDIR'] + '/private.txt', 'w').write('ok')
        open(os.path.expanduser('~/.config-test'), 'w').write('ok')
        for target in ('/tmp/elsewhere.txt', {str(course / 'notebooks' / 'x.txt')!r}, {str(course / 'gradebook.db')!r}, '/root/x.txt',
                       {str(course / 'solutions' / 'x.txt')!r}):
            try:
                open(target, 'w').write('tampered')
                print('WROTE', target)
            except OSError as err:
                print('refused', type(err).__name__)
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "WROTE" not in proc.stdout and proc.stdout.count("refused") == 5
    assert (tmp_path / "in_scratch.txt").read_text() == "ok"
    assert (course / "gradebook.db").read_text() == "grades" and not (course / "notebooks" / "x.txt").exists()


def test_there_is_no_network(box, tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        proc = _run(box, f"""
            import socket
            for host in ('127.0.0.1', '10.0.0.1', 'pypi.org'):
                try:
                    socket.create_connection((host, {port} if host == '127.0.0.1' else 443), timeout=3)
                    print('CONNECTED', host)
                except OSError as err:
                    print('refused', type(err).__name__)
        """, tmp_path)
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert "CONNECTED" not in proc.stdout and proc.stdout.count("refused") == 3


def test_no_process_outlives_the_sandbox(box, tmp_path):
    marker = f"cnn-daemon-{uuid.uuid4().hex[:8]}"
    proc = _run(box, f"""
        import os, subprocess, sys
        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', {marker!r}],
                         start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        print('started')
    """, tmp_path)
    assert proc.returncode == 0 and "started" in proc.stdout, proc.stderr
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
    assert left == [], f"a process started in the sandbox is still running: {left}"


def test_memory_and_process_counts_are_capped(box, tmp_path):
    sandbox, _ = box
    if not sandbox.limits() or "prlimit" in " ".join(map(str, sandbox.limits())):
        pytest.skip("no writable cgroup here: only the address-space rlimit fallback applies")
    proc = _run(box, """
        import numpy as np
        block = np.ones(2 << 30, dtype=np.uint8)   # 2 GiB, over the 512 MiB cap
        print('ALLOCATED', block.sum())
    """, tmp_path)
    assert "ALLOCATED" not in proc.stdout and proc.returncode != 0
    forks = _run(box, """
        import subprocess, sys
        procs = []
        try:
            for _ in range(200):
                procs.append(subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']))
            print('FORKED', len(procs))
        except OSError as err:
            print('capped', len(procs))
        finally:
            for p in procs:
                p.kill()
    """, tmp_path)
    assert "FORKED" not in forks.stdout and "capped" in forks.stdout, forks.stdout + forks.stderr
    sb.sweep_cgroups()


def test_grading_refuses_to_run_without_the_sandbox_unless_told(monkeypatch):
    monkeypatch.setattr(sb.shutil, "which", lambda name: None)
    monkeypatch.delenv(sb.NO_SANDBOX_ENV, raising=False)
    with pytest.raises(sb.SandboxUnavailable, match="apt install bubblewrap"):
        sb.current()
    monkeypatch.setenv(sb.NO_SANDBOX_ENV, "1")
    assert sb.current() is None


def test_a_course_and_a_python_installed_below_tmp_still_run_and_stay_hidden(tmp_path):
    """The sandbox empties /tmp; a course cloned there, or a virtual environment made there, must
    still be readable inside (its instructor folders hidden as anywhere else)."""
    try:
        sb.check()
    except sb.SandboxUnavailable as err:
        pytest.skip(f"bubblewrap cannot run here: {err}")
    base = Path(tempfile.mkdtemp(prefix="cnn-under-tmp-", dir="/tmp"))
    try:
        course = base / "course"
        (course / "solutions").mkdir(parents=True)
        (course / "solutions" / "answer.txt").write_text("the answer")
        (course / "notebooks").mkdir()
        (course / "notebooks" / "release.txt").write_text("student version")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(base / "venv")],
                       check=True, capture_output=True)
        scratch = base / "scratch"
        scratch.mkdir()
        code = textwrap.dedent(f"""
            import os, sys
            from grading import sandbox as sb
            box = sb.Sandbox(hidden_roots=[{str(course)!r}], memory_bytes=512 << 20, max_processes=64)
            probe = ("import os, sys; print(sys.prefix); "
                     "print(open({str(course / 'notebooks' / 'release.txt')!r}).read()); "
                     "print(os.listdir({str(course / 'solutions')!r}))")
            argv, env = box.wrap([sys.executable, "-c", probe], dict(os.environ), {str(scratch)!r})
            os.execvpe(argv[0], argv, env)
        """)
        import nbformat

        site = Path(nbformat.__file__).resolve().parents[1]   # this environment's packages, for the venv below /tmp
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(sb.__file__).resolve().parents[1]), str(site)]))
        proc = subprocess.run([str(base / "venv" / "bin" / "python"), "-c", code], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout.split("\n")[:3] == [str(base / "venv"), "student version", "[]"], proc.stdout
        found = sb._needed_under_tmp([course, course / "sub"])
        assert course in found and course / "sub" not in found
    finally:
        shutil.rmtree(base, ignore_errors=True)
