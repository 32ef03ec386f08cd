"""The two environment descriptions agree, and the quiet set-up really is quiet."""
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _normalise(spec: str) -> tuple[str, str, str]:
    req = Requirement(spec)
    return req.name.lower().replace("_", "-"), str(req.specifier), str(req.marker or "")


def test_environment_yml_lists_the_pyproject_dependencies():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    env_specs = sorted(_normalise(s) for s in pip_section if not s.startswith("-e"))
    assert env_specs == sorted(_normalise(s) for s in deps), (
        "environment.yml's pip list and pyproject.toml's dependencies differ: update both together")
    assert "-e ." in pip_section, "environment.yml must install the course package itself (-e .)"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert ">=3.11" in python


def test_importing_tensorflow_through_cnnkit_writes_nothing_on_stderr():
    code = "from cnnkit.setup import init_notebook; init_notebook(tensorflow=True); import tensorflow as tf; tf.constant(1.0) + 1"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", f"TensorFlow import is not silent:\n{proc.stderr}"
