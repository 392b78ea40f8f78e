"""The shared corpus of real Label Studio configs and sample tasks: beside the repository when it is
there (a checkout next to shared/), otherwise where this workplace keeps it."""

from pathlib import Path

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ls-templates"
CORPUS = _BESIDE if _BESIDE.is_dir() else Path("/work/shared/corpus/ls-templates")
CONFIGS = sorted(CORPUS.glob("**/config.xml"))
