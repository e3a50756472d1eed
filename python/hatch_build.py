"""Hatchling build hook: puts the static binary into the wheel and tags the wheel.

scripts/package --wheel builds and stages the binary, then sets
- POINCARE_EMBED_STAGE: the staged package folder (poincare-embed, THIRD-PARTY-NOTICES.md,
  licenses/, data/, and LICENSE when the repository has one);
- POINCARE_EMBED_PLATFORM_TAG: the platform tag the binary's glibc symbol versions allow.
The binary becomes the wheel's `poincare-embed` script (installed on PATH, run directly, as ruff
and uv ship theirs); notices and sample data go inside the package.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface[BuilderConfig]):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        stage_path = os.environ.get("POINCARE_EMBED_STAGE")
        platform = os.environ.get("POINCARE_EMBED_PLATFORM_TAG")
        if not stage_path or not platform:
            raise RuntimeError(
                "build the wheel with scripts/package --wheel: it builds the static binary and "
                "sets POINCARE_EMBED_STAGE and POINCARE_EMBED_PLATFORM_TAG"
            )
        stage = Path(stage_path)
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{platform}"
        build_data["shared_scripts"][str(stage / "poincare-embed")] = "poincare-embed"
        package = "poincare_embed"
        for name in ("THIRD-PARTY-NOTICES.md", "LICENSE", "licenses", "data"):
            if (stage / name).exists():
                build_data["force_include"][str(stage / name)] = f"{package}/{name}"
