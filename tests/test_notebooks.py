"""The example notebooks run from top to bottom in a fresh kernel and show what they promise.

Each notebook's last cell prints ``ERGEBNIS {json}``; the tests read it from the executed outputs.
The kernel is the "python3" kernelspec, which jupyter_client starts with this interpreter
(sys.executable), so CI needs no ``ipykernel install``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute(name: str):
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=900,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError (with the cell and traceback) when a cell fails
    return nb


def stdout_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def result_of(nb) -> dict:
    lines = [line for line in stdout_of(nb.cells[-1]).splitlines() if line.startswith("ERGEBNIS ")]
    assert len(lines) == 1, stdout_of(nb.cells[-1])
    return json.loads(lines[0].removeprefix("ERGEBNIS "))


def outputs_of_type(nb, mime: str) -> int:
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               for o in cell.outputs if mime in o.get("data", {}))


@pytest.mark.parametrize("name", ["01-facilitator-walkthrough.ipynb", "02-researcher-compare-cities.ipynb"])
def test_notebooks_are_committed_without_outputs(name):
    import nbformat

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert nb.cells[0].cell_type == "markdown"


@pytest.mark.slow
def test_facilitator_walkthrough(tmp_path, monkeypatch):
    monkeypatch.setenv("CARDSCAN_NOTEBOOK_OUT", str(tmp_path / "out"))  # not the repository's out/
    nb = execute("01-facilitator-walkthrough.ipynb")
    assert stdout_of(nb.cells[1]).strip() == sys.executable  # the kernel ran in this venv
    result = result_of(nb)
    assert result["photos"] == 3 and result["problems"] == 0
    assert result["cards"] >= 30 and result["themed"] >= 0.8 * result["cards"]
    assert result["files"] == ["cards.csv", "cards.json", "minutes.md"] and result["out"] == str(tmp_path / "out")
    assert (tmp_path / "out" / "minutes.md").read_text(encoding="utf-8").startswith("# Thema: Verstetigungsprozess")
    width, height = result["crop"]
    assert width > height > 20  # a card, upright
    assert outputs_of_type(nb, "image/png") >= 2  # the photo preview and the card crop
    assert outputs_of_type(nb, "text/markdown") == 1 and outputs_of_type(nb, "text/html") >= 1  # minutes, tables


@pytest.mark.slow
def test_researcher_compare_cities():
    nb = execute("02-researcher-compare-cities.ipynb")
    result = result_of(nb)
    assert result["workshops"] == 3 and result["cities"] == ["Bremen", "Kassel", "Leipzig"]
    rows, columns = result["shares_shape"]
    assert rows == 3 and columns >= 2
    assert result["cards"] >= 3 * 2 * 6 - 3
    assert result["compare_columns"] == ["theme", "only_in", "title", "n_cards", "example"]
    assert result["compare_rows"] >= 1  # Leipzig and Bremen wrote different cards, so some theme differs
    assert result["heatmap_png"] > 10_000
    assert outputs_of_type(nb, "image/png") >= 1  # the heat map is shown, not only saved
    batch_out = stdout_of(next(c for c in nb.cells if c.cell_type == "code" and "run_batch(TREE" in c.source))
    assert "3 Workshops gespeichert, 0 schon im Korpus" in batch_out
    assert "0 Workshops gespeichert, 3 schon im Korpus" in batch_out
