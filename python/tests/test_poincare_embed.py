"""Tests of the poincare_embed module as the wheel installs it.

scripts/check-package runs them in a fresh venv holding only the built wheel (with its gensim
extra) and pytest: the module under test is the installed one, never python/src.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import numpy
import pytest
from gensim.models.poincare import PoincareKeyedVectors

import poincare_embed as pe

REPOSITORY = Path(__file__).resolve().parents[2]
TOY = pe.SAMPLE_DATA / "toy_closure.tsv"


def paper(report: dict[str, Any]) -> dict[str, Any]:
    protocol: dict[str, Any] = report["protocols"]["paper"]
    return protocol


def test_the_module_comes_from_the_installed_wheel() -> None:
    module = Path(pe.__file__).resolve()
    assert "site-packages" in module.parts
    assert REPOSITORY not in module.parents


def test_the_binary_is_the_environments_script_and_reports_the_package_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("POINCARE_EMBED_BINARY", raising=False)
    script = Path(sysconfig.get_path("scripts")) / "poincare-embed"
    assert pe.binary() == script
    version = subprocess.run(
        [script, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version == pe.__version__


def test_closure_of_the_toy_edges_is_the_shipped_toy_closure(tmp_path: Path) -> None:
    path = pe.closure(pe.SAMPLE_DATA / "toy_edges.tsv", tmp_path / "toy.tsv")
    assert path == tmp_path / "toy.tsv"
    assert path.read_bytes() == TOY.read_bytes()


def test_training_the_toy_hierarchy_recovers_it(tmp_path: Path) -> None:
    untrained = pe.train(TOY, tmp_path / "untrained.txt", size=5, epochs=0, burn_in=0)
    trained = pe.train(
        TOY,
        tmp_path / "trained.txt",
        size=5,
        negative=5,
        epochs=300,
        burn_in=10,
        regularization_coeff=0,
        seed=0,
        quiet=True,
    )
    assert trained.read_text().splitlines()[0] == "14 5"
    before, after = pe.evaluate(untrained, TOY), pe.evaluate(trained, TOY)
    assert after["relations"]["count"] == 31
    # Measured with seeds 0-2: untrained MAP 0.26-0.32 (mean rank 5.7-7.3), trained 0.79-0.85
    # (mean rank 1.35-1.45).
    assert paper(before)["map"] < 0.5
    assert paper(after)["map"] > 0.7
    assert paper(after)["mean_rank"] < 2


def test_the_default_output_is_the_relations_name_with_txt(tmp_path: Path) -> None:
    relations = tmp_path / "toy.tsv"
    relations.write_bytes(TOY.read_bytes())
    assert pe.train(relations, epochs=0, burn_in=0) == tmp_path / "toy.txt"
    assert (tmp_path / "toy.txt").read_text().startswith("14 50\n")
    named_txt = tmp_path / "named.txt"
    named_txt.write_bytes(TOY.read_bytes())
    assert pe.train(named_txt, epochs=0, burn_in=0) == tmp_path / "named.vectors.txt"
    assert (tmp_path / "named.vectors.txt").is_file()


def test_keyword_values_reach_the_tool(tmp_path: Path) -> None:
    # No training: the file holds the initial vectors, uniform in init_range.
    vectors = pe.train(TOY, tmp_path / "v.txt", size=3, epochs=0, burn_in=0, init_range=(0.2, 0.3))
    lines = vectors.read_text().splitlines()
    assert lines[0] == "14 3"
    values = [float(value) for line in lines[1:] for value in line.split()[1:]]
    assert len(values) == 14 * 3
    assert all(0.2 <= value <= 0.3 for value in values)


@pytest.mark.parametrize(
    ("keyword", "flag"),
    [
        ("size", "--dimension"),
        ("alpha", "--learning-rate"),
        ("negative", "--negatives"),
        ("epochs", "--epochs"),
        ("burn_in", "--burn-in"),
        ("burn_in_alpha", "--burn-in-learning-rate"),
        ("regularization_coeff", "--regularization"),
        ("epsilon", "--epsilon"),
        ("init_range", "--init-range"),
        ("seed", "--seed"),
        ("workers", "--threads"),
        ("batch_size", "--batch-size"),
        ("local_negatives", "--local-negatives"),
    ],
)
def test_gensims_keyword_names_map_to_the_tools_options(
    tmp_path: Path, keyword: str, flag: str
) -> None:
    # An invalid value makes the tool name the option it received.
    with pytest.raises(pe.PoincareEmbedError) as caught:
        pe.train(TOY, tmp_path / "v.txt", **{keyword: -1})
    assert caught.value.status == 64
    assert flag in caught.value.message


def test_a_usage_error_carries_the_error_line_without_the_usage_lines(tmp_path: Path) -> None:
    with pytest.raises(pe.PoincareEmbedError) as caught:
        pe.train(TOY, tmp_path / "v.txt", dtype="float32")
    assert caught.value.message == "Unknown option '--dtype'"
    assert caught.value.status == 64
    assert "Usage: poincare-embed train" in caught.value.stderr


def test_two_names_for_one_option_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="size= and dimension="):
        pe.train(TOY, tmp_path / "v.txt", size=5, dimension=5)


def test_a_malformed_file_raises_with_the_tools_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("dog\tmammal\ncat\tmammal\tanimal\n")
    with pytest.raises(pe.PoincareEmbedError) as caught:
        pe.train(bad, tmp_path / "v.txt")
    error = caught.value
    assert error.status == 65
    assert error.message.startswith(f"{bad}:2: expected 2 tab-separated fields")
    assert "\nHint: " in error.message
    assert str(error) == f"{error.message} (exit status 65)"
    assert not (tmp_path / "v.txt").exists()


def test_a_missing_file_raises_with_status_66(tmp_path: Path) -> None:
    with pytest.raises(pe.PoincareEmbedError) as caught:
        pe.evaluate(tmp_path / "missing.txt", TOY)
    assert caught.value.status == 66
    assert "missing.txt" in caught.value.message


def test_link_prediction_evaluates_a_split(tmp_path: Path) -> None:
    prefix = tmp_path / "toy"
    pe.run("split", TOY, "--test-fraction", "0.1", "--seed", "0", "-o", prefix)
    train, test = tmp_path / "toy.train.tsv", tmp_path / "toy.test.tsv"
    vectors = pe.train(train, tmp_path / "v.txt", size=5, epochs=50, quiet=True)
    report = pe.evaluate(vectors, train=train, test=test)
    assert report["task"] == "link-prediction"
    assert report["test"]["count"] == len(test.read_text().splitlines())


def test_load_gives_gensims_vectors_that_answer_as_the_tool_does(tmp_path: Path) -> None:
    vectors = pe.train(TOY, tmp_path / "v.txt", size=5, negative=5, epochs=100, quiet=True)
    keyed = pe.load(vectors, datatype=numpy.float64)
    assert isinstance(keyed, PoincareKeyedVectors)
    assert len(keyed) == 14
    assert keyed.vector_size == 5
    nearest = [
        line.split("\t") for line in pe.run("query", vectors, "dog", "--nearest", "3").splitlines()
    ]
    assert [name for name, _ in keyed.most_similar("dog", topn=3)] == [name for name, _ in nearest]
    for (_, ours), (_, gensims) in zip(nearest, keyed.most_similar("dog", topn=3)):
        assert float(ours) == pytest.approx(gensims, rel=1e-12)


def test_load_reads_the_binary_format_by_its_name(tmp_path: Path) -> None:
    text = pe.train(TOY, tmp_path / "v.txt", size=5, epochs=0, burn_in=0)
    binary = pe.train(TOY, tmp_path / "v.bin", size=5, epochs=0, burn_in=0)
    from_text, from_binary = pe.load(text), pe.load(binary)
    assert list(from_text.index_to_key) == list(from_binary.index_to_key)
    assert numpy.array_equal(from_text.vectors, from_binary.vectors)  # both float32


def test_load_without_gensim_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gensim.models.poincare", None)
    with pytest.raises(ImportError, match=r"pip install 'poincare-embed\[gensim\]'"):
        pe.load(tmp_path / "v.txt")


def python_example(readme: Path) -> str:
    """The first ```python block after the "Install" heading (or the first one at all)."""
    text = readme.read_text()
    install = re.search(r"^## Install\b", text, flags=re.MULTILINE)
    block = re.search(
        r"^```python\n(.*?)^```",
        text[install.end() if install else 0 :],
        flags=re.MULTILINE | re.DOTALL,
    )
    assert block, f"no python example in {readme}"
    return block.group(1)


@pytest.mark.parametrize("readme", ["README.md", "python/README.md"])
def test_the_readme_example_runs_as_written(tmp_path: Path, readme: str) -> None:
    example = python_example(REPOSITORY / readme)
    result = subprocess.run(
        [sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    # "MAP <value>" (measured: 0.965 and 0.909 with the two examples' recipes), then
    # most_similar's five (synset, distance) pairs.
    label, value = printed[0].split()
    assert label == "MAP" and float(value) > 0.85
    similar = ast.literal_eval(printed[1])
    assert len(similar) == 5
    assert all(re.fullmatch(r".+\.n\.\d\d", name) and distance > 0 for name, distance in similar)
