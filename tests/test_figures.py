"""The committed figures are what the drawing code produces."""
import numpy as np
import pytest
from helpers import selected_assignments
from PIL import Image

from grading import notebook as nbu
from grading.figures import render_course_figures


def test_committed_figures_match_a_fresh_render(tmp_path):
    fresh = render_course_figures(tmp_path)
    assert fresh
    for path in fresh:
        name = path.rsplit("/", 1)[-1]
        committed = nbu.repo_root() / "images" / name
        assert committed.exists(), f"images/{name} is missing: run `python3 course.py figures`"
        a = np.asarray(Image.open(path).convert("RGB"), dtype=float)
        b = np.asarray(Image.open(committed).convert("RGB"), dtype=float)
        assert a.shape == b.shape, f"images/{name} is stale (size differs): run `python3 course.py figures`"
        assert np.mean(np.abs(a - b)) < 2.0, f"images/{name} is stale: run `python3 course.py figures`"


@pytest.mark.parametrize("assignment", selected_assignments())
def test_every_image_a_notebook_links_exists(assignment):
    import re

    import base64

    for folder in ("solutions", "notebooks"):
        nb = nbu.read(nbu.notebook_path(assignment, folder))
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", cell.source):
                if link.startswith("attachment:"):   # embedded in the cell (grading.authoring)
                    name = link.split(":", 1)[1]
                    found = cell.get("attachments", {}).get(name, {})
                    assert found, f"{folder}, cell {k}: {link} is not attached to the cell"
                    (data,) = found.values()
                    assert len(base64.b64decode(data)) > 100, f"{folder}, cell {k}: {link} is empty"
                else:
                    assert (nbu.notebook_path(assignment, folder).parent / link).resolve().exists(), (folder, link)
