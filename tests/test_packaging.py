"""The wheel is a working cardscan on its own: built from the sources, installed non-editable into a fresh
environment outside the checkout, and run from a temporary folder.

Why: an editable install finds models/ beside the package, so only a wheel shows whether the bundled
data (catalogue, abbreviations, lexicon) really ships. The fresh environment has no pip and no network:
the wheel goes in with the running interpreter's pip (``pip --python``, ``--no-index --no-deps``) and the
dependencies come from the environment running this test, through a .pth line (a plain path: the
editable cardscan of that environment is *not* activated, since .pth files found through a plain path
are not executed).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md", "cardscan", "models")
BUNDLED = ("themes.yaml", "abbreviations.tsv", "lexicon.txt")


def _clean_env(**extra: str) -> dict:
    """This process's environment without what points Python at the checkout (tests run with PYTHONPATH)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return {**env, **extra}


def _run(args: list, cwd: Path, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    env = env if env is not None else _clean_env()
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args[:3]} … failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (the checkout gets no build/ or egg-info folders)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "learned", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: setuptools comes from the running environment, so nothing is downloaded
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", out, src], cwd=src)
    (found,) = out.glob("cardscan-*.whl")
    return found


@pytest.mark.slow
def test_wheel_carries_the_bundled_data_and_the_version(wheel):
    import cardscan

    names = zipfile.ZipFile(wheel).namelist()
    for name in BUNDLED:
        assert f"cardscan/models/{name}" in names, name
    assert "cardscan/py.typed" in names
    assert not [n for n in names if "/learned/" in n or "__pycache__" in n]
    packages = {str(p.parent.relative_to(ROOT)).replace(os.sep, "/") for p in (ROOT / "cardscan").rglob("*.py")
                if "__pycache__" not in p.parts}
    for package in packages:  # every folder of modules is in the wheel (a new subpackage needs no list entry)
        assert any(n.startswith(package + "/") and n.endswith(".py") for n in names), package
    assert wheel.name.startswith(f"cardscan-{cardscan.__version__}-")


# Until the normaliser's tables are found through cardscan.resources (the norm helper's step of issue 16),
# the wheel's lexicon.py looks for models/ beside the package and the minutes fail: this must fail until
# then (strict), and runs as a plain test from the moment lexicon.py stops computing that path.
_LEXICON_BESIDE_PACKAGE = 'Path(__file__).resolve().parent.parent / "models"' in (
    ROOT / "cardscan" / "lexicon.py").read_text(encoding="utf-8") if (ROOT / "cardscan" / "lexicon.py").is_file() else False


@pytest.mark.slow
@pytest.mark.xfail(_LEXICON_BESIDE_PACKAGE, strict=True, reason="lexicon.py still reads models/ beside the package")
def test_installed_wheel_runs_minutes_themes_and_normalise_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).stdout.strip())
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel],
         cwd=tmp_path)
    (site / "zz-cardscan-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    work = tmp_path / "arbeit"
    work.mkdir()
    env = _clean_env(CARDSCAN_DATA=str(tmp_path / "daten"), HOME=str(tmp_path / "home"))
    where = _run([python, "-c", "import cardscan, cardscan.resources as r; print(cardscan.__file__); "
                  "print(r.bundled_file('themes.yaml'))"], cwd=work, env=env).stdout.splitlines()
    assert all(Path(line).is_relative_to(venv) for line in where), where  # the wheel's files, not the checkout's

    cardscan = venv / "bin" / "cardscan"
    title = [line.split(": ", 1) for line in (ROOT / "samples" / "workshop.txt").read_text(encoding="utf-8").splitlines()
             if ": " in line]
    options = [a for key, value in title for a in (f"--{key}", value)]
    _run([cardscan, "minutes", ROOT / "samples", "-o", "protokoll", "--workers", "1", *options], cwd=work, env=env)
    minutes = (work / "protokoll" / "minutes.md").read_text(encoding="utf-8")
    assert (work / "protokoll" / "cards.csv").is_file() and (work / "protokoll" / "cards.json").is_file()
    assert "## Themen" in minutes and "Verstetigungsprozess" in minutes

    (work / "karten.txt").write_text("Anschlussfinanzierung sichern\nQR braucht klare Aufgaben\n", encoding="utf-8")
    themes = _run([cardscan, "themes", "karten.txt"], cwd=work, env=env).stdout.splitlines()
    assert len(themes) == 2 and all(line.split("\t")[0] not in ("", "None") for line in themes), themes

    proc = subprocess.run([str(cardscan), "normalise"], input="Treffen mit dem QR\n", cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Treffen mit dem Quartiersrat"  # the abbreviation table came from the wheel
    assert not (tmp_path / "daten").exists() or not any((tmp_path / "daten").rglob("*.py"))
