"""Every setting is documented, with its environment variable."""

from dataclasses import fields
from pathlib import Path

from kickback.config import ENV_PREFIX, Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_has_a_row_in_the_docs():
    text = DOC.read_text()
    missing = [
        f.name for f in fields(Settings)
        if "| `%s` | `%s%s` |" % (f.name, ENV_PREFIX, f.name.upper()) not in text
    ]
    assert missing == []
