"""Poincaré embeddings of hierarchies from Python: a thin typed wrapper over the
``poincare-embed`` command-line tool that this package installs.

    import poincare_embed as pe

    closure = pe.closure(pe.SAMPLE_DATA / "mammal_edges.tsv", "mammals.tsv")
    vectors = pe.train(closure, "mammals.txt", size=10, epochs=200)
    pe.evaluate(vectors, closure)["protocols"]["paper"]["map"]
    pe.load(vectors).most_similar("dog.n.01")  # gensim's PoincareKeyedVectors

Each call runs the tool once. What it prints on standard error (progress, counts) is copied to
``sys.stderr`` as it arrives; a failure raises ``PoincareEmbedError`` with the tool's message
(a bad relation file's names ``file:line``) and exit status. ``poincare-embed <command> --help``
documents every option.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from gensim.models.poincare import PoincareKeyedVectors

__all__ = [
    "GENSIM_OPTIONS",
    "SAMPLE_DATA",
    "PoincareEmbedError",
    "binary",
    "closure",
    "evaluate",
    "load",
    "run",
    "train",
]

__version__: str = metadata.version("poincare-embed")

StrPath = Union[str, "os.PathLike[str]"]

SAMPLE_DATA: Path = Path(__file__).parent / "data"
"""The sample relations shipped with the package (``data/README.md`` there says how each was
made): ``toy_edges.tsv`` and ``toy_closure.tsv`` (14 nodes), and WordNet 3.0's mammals,
``mammal_edges.tsv`` (direct is-a edges) and ``mammal_closure.tsv`` (1,182 nodes, 6,542 pairs)."""

GENSIM_OPTIONS: Mapping[str, str] = {
    "size": "dimension",
    "alpha": "learning_rate",
    "negative": "negatives",
    "burn_in_alpha": "burn_in_learning_rate",
    "regularization_coeff": "regularization",
    "workers": "threads",
}
"""gensim's ``PoincareModel`` keyword names that differ from the tool's options. The others
(``epochs``, ``burn_in``, ``batch_size``, ``epsilon``, ``init_range``, ``seed``) are the same."""


class PoincareEmbedError(Exception):
    """The tool failed.

    ``message`` holds its ``Error:`` line(s) and hints; ``status`` its exit status (sysexits.h:
    64 bad usage, 65 malformed data, 66 missing input, 73 output cannot be created, 74 I/O
    error, 1 training diverged); ``stderr`` all it printed there.
    """

    def __init__(self, message: str, status: int, stderr: str = "") -> None:
        super().__init__(message, status)
        self.message = message
        self.status = status
        self.stderr = stderr

    def __str__(self) -> str:
        return f"{self.message} (exit status {self.status})"


def binary() -> Path:
    """The ``poincare-embed`` executable this module runs: ``$POINCARE_EMBED_BINARY`` when set,
    otherwise the one installed with this package (in the ``bin`` folder of the environment,
    prefix, user base or ``--target`` folder it was installed into)."""
    override = os.environ.get("POINCARE_EMBED_BINARY")
    if override:
        return Path(override)
    name = "poincare-embed"
    package = Path(__file__).parent
    candidates = [
        package.parent / "bin" / name,  # pip install --target <folder>
        package.parents[3] / "bin" / name,  # <prefix>/lib/pythonX.Y/site-packages/poincare_embed
        Path(sysconfig.get_path("scripts")) / name,
        Path(sysconfig.get_path("scripts", "posix_user")) / name,
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{name} is not installed next to the poincare_embed package (looked in "
        + ", ".join(str(candidate.parent) for candidate in candidates)
        + "); reinstall the wheel or set POINCARE_EMBED_BINARY"
    )


def run(*arguments: StrPath) -> str:
    """Runs ``poincare-embed <arguments>`` and returns its standard output.

    Its standard error is copied to ``sys.stderr`` line by line. A non-zero exit raises
    ``PoincareEmbedError``. Ctrl-C stops the tool the way it stops in a terminal (training saves
    its checkpoint, if one is configured) and then raises ``KeyboardInterrupt`` here.
    """
    command = [os.fspath(binary())] + [os.fspath(argument) for argument in arguments]
    # Its own session: a terminal's Ctrl-C reaches only Python, which passes on exactly one
    # SIGINT (the tool treats a second one as "stop at once").
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    stderr_lines: list[str] = []
    copier = threading.Thread(target=_copy_lines, args=(process.stderr, stderr_lines), daemon=True)
    copier.start()
    try:
        output = process.stdout.read()
        status = process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        process.wait()
        raise
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        copier.join()
        process.stdout.close()
        process.stderr.close()
    if status != 0:
        raise _error(status, "".join(stderr_lines))
    return output


def train(relations: StrPath, output: StrPath | None = None, **options: Any) -> Path:
    """``poincare-embed train``: trains on ``child<TAB>parent`` relations (a transitive closure)
    and writes the vectors in gensim's word2vec text format, or binary for a name ending in
    ``.bin``. Returns the vectors' path.

    ``output`` defaults to the relations' name with ``.txt``, as the tool's does. Options take
    gensim's ``PoincareModel`` names (``size``, ``alpha``, ``negative``, ``epochs``,
    ``burn_in``, ``burn_in_alpha``, ``regularization_coeff``, ``epsilon``, ``init_range``,
    ``seed``, ``workers``, ``batch_size``; see ``GENSIM_OPTIONS``) or the tool's own in
    snake_case (``local_negatives=2``, ``negative_sampling="uniform"``, ``checkpoint=path``,
    ``quiet=True``...). ``True`` passes a flag, ``None`` or ``False`` leaves the option out, a
    tuple such as ``init_range=(-0.001, 0.001)`` becomes ``low,high``.
    """
    path = Path(output) if output is not None else _default_vectors_path(Path(relations))
    run("train", *_options(options), f"--output={os.fspath(path)}", "--", relations)
    return path


def evaluate(vectors: StrPath, relations: StrPath | None = None, **options: Any) -> dict[str, Any]:
    """``poincare-embed eval --json``: the reconstruction report of ``vectors`` on
    ``relations`` as a dict, e.g. ``report["protocols"]["paper"]["map"]`` and
    ``["mean_rank"]``, also ``["gensim"]`` (gensim's protocol). For link prediction give
    ``train=`` and ``test=`` instead of ``relations``. Other options: ``protocol``,
    ``threads``, ``max_n``, ``skip_missing``.
    """
    positional = [vectors] if relations is None else [vectors, relations]
    report: dict[str, Any] = json.loads(
        run("eval", "--json", *_options(options), "--", *positional)
    )
    return report


def closure(source: StrPath | None, output: StrPath, **options: Any) -> Path:
    """``poincare-embed closure``: writes the transitive closure (``child<TAB>ancestor``, no
    self-loops, sorted) of the direct edges (``child<TAB>parent``) in ``source`` to ``output``
    and returns its path. With ``wordnet=True``, ``source`` names a WordNet 3.0 database folder
    (``None``: ``/usr/share/wordnet``); ``root="mammal.n.01"`` keeps one subtree,
    ``pos="verb"`` reads verbs.
    """
    positional = [] if source is None else [source]
    run("closure", *_options(options), f"--output={os.fspath(output)}", "--", *positional)
    return Path(output)


def load(path: StrPath, **options: Any) -> PoincareKeyedVectors:
    """The vectors at ``path`` as gensim's ``PoincareKeyedVectors`` (gensim is the optional
    extra ``poincare-embed[gensim]``): ``load_word2vec_format(path, binary=<name ends in
    .bin>, **options)``. gensim loads float32 unless ``datatype=numpy.float64`` is given;
    the files hold every float64 digit.
    """
    try:
        from gensim.models.poincare import PoincareKeyedVectors
    except ImportError as error:
        raise ImportError(
            "poincare_embed.load needs gensim: pip install 'poincare-embed[gensim]'"
        ) from error
    options.setdefault("binary", os.fspath(path).endswith(".bin"))
    vectors: PoincareKeyedVectors = PoincareKeyedVectors.load_word2vec_format(
        os.fspath(path), **options
    )
    return vectors


def _options(options: Mapping[str, Any]) -> list[str]:
    """``--name=value`` arguments for keyword options (gensim's names mapped to the tool's)."""
    arguments: list[str] = []
    given: dict[str, str] = {}
    for keyword, value in options.items():
        name = GENSIM_OPTIONS.get(keyword, keyword)
        if name in given:
            raise TypeError(f"{given[name]}= and {keyword}= are the same option; give one")
        given[name] = keyword
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            arguments.append(flag)
        elif isinstance(value, (tuple, list)):
            arguments.append(f"{flag}={','.join(str(item) for item in value)}")
        else:
            arguments.append(
                f"{flag}={os.fspath(value) if isinstance(value, os.PathLike) else value}"
            )
    return arguments


def _default_vectors_path(relations: Path) -> Path:
    """The tool's default output (TrainCommand.outputPath): the relations' name with ``.txt``,
    or with ``.vectors.txt`` when that would be the relations file itself."""
    derived = relations.with_suffix(".txt")
    return relations.with_suffix(".vectors.txt") if derived == relations else derived


def _copy_lines(stream: IO[str], lines: list[str]) -> None:
    for line in stream:
        lines.append(line)
        sys.stderr.write(line)
        sys.stderr.flush()


def _error(status: int, stderr: str) -> PoincareEmbedError:
    """The exception for a failed run: the ``Error:`` and ``Hint:`` lines of its standard error
    (without a usage error's usage lines), else its last line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    reported = [
        line[len("Error: ") :] if line.startswith("Error: ") else line
        for line in lines
        if line.startswith(("Error: ", "Hint: "))
    ]
    if reported:
        message = "\n".join(reported)
    elif lines:
        message = lines[-1]
    else:
        message = f"poincare-embed exited with status {status}"
    return PoincareEmbedError(message, status, stderr)
