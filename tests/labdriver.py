"""Drive JupyterLab (with nbgrader's extensions) in Debian's Chromium, for tests/test_browser.py.

Nothing here downloads anything: the browser is the system's Chromium (``/usr/bin/chromium``,
Debian package ``chromium``; ``CNN_COURSE_CHROMIUM`` names another), driven by Playwright
for Python through ``executable_path``; ``playwright install`` is never run.

- ``LabServer``: ``jupyter lab`` on loopback with a random token, started in a folder as a
  person would start it (``jupyter lab notebooks/`` in a student's folder, ``jupyter lab`` in
  a course directory), with scratch Jupyter config/runtime/settings folders so nothing of the
  machine's own Jupyter set-up is read or written.
- ``NotebookPage``: one notebook open in JupyterLab, driven through the page the way a person
  uses it (click a cell, type, Shift+Enter, click the toolbar's Validate).
- ``Shots``: numbered screenshots under ``build/browser/`` and an ``index.html`` to look at them.
"""
from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM_ENV = "CNN_COURSE_CHROMIUM"
# The flags a root, offline machine needs (no sandbox as root; no background requests, which a
# closed network refuses many at a time).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LAPTOP = {"width": 1366, "height": 768}

# JupyterLab user settings for the scratch session: no "get Jupyter news?" toast over the
# screenshots, and no request to the internet for news or updates.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def chromium_path() -> str | None:
    """The system Chromium, or None."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        return named if Path(named).is_file() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab [target]`` run in ``cwd`` on 127.0.0.1 with a token; a context manager.

    ``env`` adds environment variables (kernels and the Validate handler inherit them).
    """

    def __init__(self, cwd: Path, target: str | None, scratch: Path, env: dict | None = None,
                 start_timeout: float = 180):
        self.cwd, self.target, self.scratch = Path(cwd), target, Path(scratch)
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.scratch / "jupyter.log"
        self.extra_env, self.start_timeout = env or {}, start_timeout
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "LabServer":
        self.scratch.mkdir(parents=True, exist_ok=True)
        settings = self.scratch / "settings"
        for name, value in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        bindir = str(Path(sys.executable).parent)
        env = dict(os.environ,
                   JUPYTER_CONFIG_DIR=str(self.scratch / "config"),
                   JUPYTER_RUNTIME_DIR=str(self.scratch / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.scratch / "workspaces"),
                   IPYTHONDIR=str(self.scratch / "ipython"),
                   MPLCONFIGDIR=str(self.scratch / "matplotlib"),
                   PATH=os.pathsep.join([bindir, os.environ.get("PATH", "")]),
                   **self.extra_env)
        cmd = [sys.executable, "-m", "jupyter", "lab", *([self.target] if self.target else []),
               "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               "--LabApp.news_url=None", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:   # CI runs as root
            cmd.append("--allow-root")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError(f"jupyter lab did not answer within {self.start_timeout:.0f} s:\n{self.log_tail()}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            try:   # shut the kernels down cleanly, then the server
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except Exception:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def api(self, method: str, path: str, timeout: float = 30):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")


class Shots:
    """Numbered screenshots in one folder, with an ``index.html`` that shows them with captions."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.items: list[tuple[str, str, str]] = []   # (group, file, caption)

    def take(self, page, group: str, name: str, caption: str, full_page: bool = False, **kw) -> Path:
        path = self.folder / group / f"{sum(1 for g, *_ in self.items if g == group) + 1:02d}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page, **kw)
        self.items.append((group, str(path.relative_to(self.folder)), caption))
        self.write_index()
        return path

    def write_index(self) -> None:
        parts = ["<!doctype html><meta charset='utf-8'><title>Browser tests: screenshots</title>",
                 "<style>body{font-family:sans-serif;margin:2em}img{max-width:100%;border:1px solid #999}"
                 "figure{margin:0 0 2em}</style><h1>The student's and the instructor's day, in Chromium</h1>"]
        group = None
        for g, file, caption in self.items:
            if g != group:
                parts.append(f"<h2>{html.escape(g)}</h2>")
                group = g
            parts.append(f"<figure><figcaption>{html.escape(file)}: {html.escape(caption)}</figcaption>"
                         f"<a href='{html.escape(file)}'><img src='{html.escape(file)}' loading='lazy'></a></figure>")
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "index.html").write_text("\n".join(parts))


# -- a notebook in JupyterLab ---------------------------------------------------------------

_PROMPT_DONE = re.compile(r"^\[\d+\]:$")

# Every <img> under a root: its source (shortened), whether it finished loading, its natural width.
IMAGES_JS = """root => Array.from((root || document).querySelectorAll('img')).map(i => ({
    src: (i.getAttribute('src') || '').slice(0, 120), alt: i.getAttribute('alt') || '',
    complete: i.complete, width: i.naturalWidth}))"""


def broken_images(page_or_frame, selector: str = "body", timeout: float = 30) -> tuple[int, list[dict]]:
    """``(number of <img> under selector, those that did not load)``, after waiting for loading."""
    deadline = time.monotonic() + timeout
    while True:
        images = page_or_frame.eval_on_selector(selector, IMAGES_JS)
        pending = [i for i in images if not i["complete"]]
        if not pending or time.monotonic() > deadline:
            return len(images), [i for i in images if not i["complete"] or i["width"] == 0]
        time.sleep(0.25)


class NotebookPage:
    """One notebook opened in JupyterLab in its own browser page."""

    def __init__(self, page, server: LabServer, path: str):
        self.page, self.server, self.path = page, server, path

    def open(self, cells: int, timeout: float = 120) -> "NotebookPage":
        """Go to the notebook; wait until its ``cells`` cells are in the page and its kernel is idle."""
        # A workspace of its own (and reset): JupyterLab would otherwise reopen the documents
        # another page of the same browser left open.
        workspace = re.sub(r"[^A-Za-z0-9_-]", "-", self.path)
        self.page.goto(self.server.url(f"/lab/workspaces/{workspace}/tree/{self.path}?reset"),
                       wait_until="domcontentloaded", timeout=timeout * 1000)
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout * 1000)
        # The kernel is started and idle: the toolbar's indicator says so.
        self.page.wait_for_function(
            "n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length >= n",
            arg=cells, timeout=timeout * 1000)
        self.wait_idle(timeout)
        return self

    def wait_idle(self, timeout: float = 120) -> None:
        """Until the kernel is idle, as the status bar shows it ("Python 3 (ipykernel) | Idle")."""
        self.page.wait_for_function(
            """() => { const s = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                       const bar = Array.from(document.querySelectorAll('.jp-StatusBar-TextItem')).map(e => e.textContent).join(' ');
                       return s && s.getAttribute('data-status') === 'idle' && /\\bIdle\\b/.test(bar); }""",
            timeout=timeout * 1000)

    def cell(self, index: int):
        return self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(index)

    def cell_count(self) -> int:
        return self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").count()

    def scroll_to(self, index: int, top: bool = True) -> None:
        self.cell(index).evaluate("(el, top) => el.scrollIntoView({block: top ? 'start' : 'end'})", top)
        time.sleep(0.3)

    def render_all(self) -> None:
        """Scroll through the notebook cell by cell (JupyterLab renders markdown as it comes
        into view), then back to the top."""
        self.page.evaluate("""async () => {
            const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell'));
            for (const cell of cells) {
                cell.scrollIntoView({block: 'start'});
                await new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)));
            }
            if (cells.length) cells[0].scrollIntoView({block: 'start'});
        }""")

    def first_image_cell(self) -> int | None:
        index = self.page.evaluate("""() => Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell'))
            .findIndex(c => c.querySelector('img'))""")
        return None if index < 0 else index

    def select(self, index: int) -> None:
        """Click the cell's prompt area (selects it without entering the editor)."""
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputPrompt").first.click()

    def type_into(self, index: int, code: str) -> None:
        """Replace a code cell's text the way a person would: click in it, select all, type."""
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".cm-content").first.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.press("Delete")
        # insertText types the text as one input, without the editor's auto-indent and
        # auto-closed brackets (which would garble pasted code exactly as they would a paste
        # in a terminal).
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Escape")   # back to command mode

    def run(self, index: int, timeout: float = 180) -> None:
        """Select the cell, press Shift+Enter and wait until its prompt shows an execution count."""
        prompt = self.cell(index).locator(".jp-InputPrompt").first
        self.select(index)
        self.page.keyboard.press("Shift+Enter")
        deadline = time.monotonic() + timeout
        # "[*]:" while it runs (it may flip too fast to see), "[n]:" once done.
        while time.monotonic() < deadline:
            text = prompt.inner_text().strip()
            if _PROMPT_DONE.match(text) and self.idle():
                return
            time.sleep(0.25)
        raise TimeoutError(f"{self.path}: cell {index} still running after {timeout:.0f} s "
                           f"(prompt {prompt.inner_text()!r})\n{self.server.log_tail()}")

    def idle(self) -> bool:
        return self.page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0

    def outputs(self, index: int) -> list[dict]:
        """The rendered outputs of a cell: ``[{"mime": ..., "text": ...}]``."""
        return self.cell(index).evaluate("""cell => Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(o => ({
            mime: o.getAttribute('data-mime-type') || (o.querySelector('[data-mime-type]') || o).getAttribute('data-mime-type') || '',
            text: o.innerText}))""")

    def source(self, index: int) -> str:
        return self.cell(index).locator(".cm-content").first.inner_text()

    def validate(self, timeout: float = 600) -> tuple[str, str]:
        """Click nbgrader's Validate button; wait for its dialog; ``(title, text)`` of the dialog."""
        self.page.locator(".jp-NotebookPanel .jp-Toolbar .validate-button").first.click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(state="visible", timeout=timeout * 1000)
        title = dialog.locator(".jp-Dialog-header").inner_text()
        return title, dialog.locator(".jp-Dialog-body").inner_text()

    def close_dialog(self) -> None:
        self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").first.click()
        self.page.locator(".jp-Dialog").wait_for(state="detached", timeout=10_000)

    def horizontal_overflow(self) -> list[dict]:
        """Rendered markdown, tables, pictures (``kind`` "text") and code editors (``kind`` "code")
        wider than the notebook: a reader would have to scroll sideways."""
        return self.page.evaluate("""() => {
            const out = [];
            const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell'));
            cells.forEach((cell, index) => {
                for (const el of cell.querySelectorAll('.jp-RenderedMarkdown, .jp-RenderedHTMLCommon table, .jp-RenderedImage img, .cm-scroller')) {
                    const over = el.scrollWidth - el.clientWidth;
                    if (over > 2) out.push({cell: index, over,
                                            kind: el.classList.contains('cm-scroller') ? 'code' : 'text',
                                            what: el.className || el.tagName,
                                            text: (el.innerText || el.getAttribute('alt') || '').slice(0, 80)});
                }
            });
            return out;}""")
