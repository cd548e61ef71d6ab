"""The built wheel works outside the checkout: it holds the prompts, the tokenizer, the fitted weights and
the gold sets.

A non-editable install (a wheel, `pip install .`, a container image) once had no `prompts/`. This test
builds the wheel from a copy of the repository, installs it with `--no-deps` into a fresh venv that
borrows the test venv's dependencies through a `.pth` line (so nothing is downloaded; a path added that
way does not run the test venv's editable-install hook), and runs newsbot from a folder far from the
checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS, ZTE_QUESTION, clean_env

pytestmark = pytest.mark.slow
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".newsbot", "build", "dist", "*.egg-info", "__pycache__", ".*cache"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed in it; returns its bin folder."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "src"
    shutil.copytree(REPO, source, ignore=COPY_IGNORE)
    dist = root / "dist"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, source], check=True)
    [wheel] = dist.glob("newsbot-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    target = next((env_dir / "lib").glob("python3.*")) / "site-packages"
    (target / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([*pip, "--python", env_dir / "bin" / "python", "install", "--no-deps", "-q", wheel], check=True)
    return env_dir / "bin"


def test_the_wheel_holds_prompts_tokenizer_and_gold_sets(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(REPO, tmp_path / "src", ignore=COPY_IGNORE)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist]
    subprocess.run([*cmd, tmp_path / "src"], check=True)
    names = zipfile.ZipFile(next(dist.glob("*.whl"))).namelist()
    prompts = sorted(p.name for p in (REPO / "prompts").glob("*.txt"))
    assert prompts and all(f"prompts/{name}" in names for name in prompts)
    assert "index/assets/all-MiniLM-L6-v2-tokenizer/vocab.txt" in names
    assert "measure/gold/seeds/queries.jsonl" in names
    assert {"bot/core/read/weights.json", "bot/core/understand/intent_weights.json"} <= set(names)
    assert not any(n.startswith("tests/") for n in names)


def test_an_installed_wheel_renders_every_prompt_and_answers(installed: Path, tmp_path: Path) -> None:
    far = tmp_path / "elsewhere"
    far.mkdir()
    shutil.copytree(SEEDS, far / "articles")
    # a PYTHONPATH (a worktree run with the shared venv) would import the checkout instead of the wheel
    env = {**clean_env(), "NEWSBOT_DATA_DIR": str(far / "data")}
    env.pop("PYTHONPATH", None)
    script = (
        "import bot, prompts\n"
        "from bot.core.prompts import placeholders, load_prompt, render\n"
        "from bot.core.settings import AnswerSettings, PROMPTS_DIR\n"
        "settings = AnswerSettings.read(None)\n"
        "names = sorted(p.stem for p in PROMPTS_DIR.glob('*.txt'))\n"
        "for name in names:\n"
        "    text = render(settings, name, **{k: 'x' for k in placeholders(load_prompt(settings, name))})\n"
        "    assert text.strip(), name\n"
        "print(bot.__file__)\n"
        "print(PROMPTS_DIR)\n"
        "print(','.join(names))\n"
    )
    shown = subprocess.run(
        [installed / "python", "-c", script], cwd=far, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    site = str(installed.parent)
    assert shown[0].startswith(site) and shown[1].startswith(site), "newsbot was imported from the checkout"
    assert set(shown[2].split(",")) >= {"system", "answer_with_sources", "source_block", "condense_follow_up"}

    newsbot = str(installed / "newsbot")
    ingested = subprocess.run([newsbot, "ingest", "articles"], cwd=far, env=env, capture_output=True, text=True)
    assert ingested.returncode == 0, ingested.stderr
    answer = subprocess.run([newsbot, "ask", ZTE_QUESTION], cwd=far, env=env, capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    assert "source code" in answer.stdout and "[1]" in answer.stdout and "Sources" in answer.stdout
