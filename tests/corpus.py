"""Label Studio's own template configs and sample tasks, vendored in tests/fixtures/ls-templates/
(Apache-2.0; its README says where each file came from)."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "fixtures" / "ls-templates"
CONFIGS = sorted(CORPUS.glob("**/config.xml"))
