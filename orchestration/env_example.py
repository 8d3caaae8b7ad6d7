"""`.env.example`'s sources part, written from the source registry: `python -m orchestration.env_example`.

Every source's settings are declared with its registry entry (orchestration/registry.py, `Setting.doc`
and `.example`); this writes them between the two marker lines of `.env.example`, so that a new
source's variables are documented without editing it by hand. The rest of the file (the platform's
own settings) is written by hand; tests/test_definitions.py checks both against the settings.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from orchestration.registry import PROJECT_ROOT, SOURCES, Source

ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
BEGIN = "# ---- Sources: written from orchestration/registry.py by `python -m orchestration.env_example` ----"
END = "# ---- end of the sources ----"


def sources_block(sources: tuple[Source, ...] = SOURCES) -> str:
    """The sources' part of .env.example, markers included: per source, each setting's comment and example."""
    lines = [BEGIN]
    for entry in sources:
        if not entry.settings:
            continue
        lines.append("")
        for setting in entry.settings:
            lines += textwrap.wrap(setting.doc, width=98, initial_indent="# ", subsequent_indent="# ")
            lines.append(f"# {setting.variable}={setting.example}")
    return "\n".join([*lines, "", END])


def rewrite(path: Path = ENV_EXAMPLE, sources: tuple[Source, ...] = SOURCES) -> str:
    """`path` with its sources' part replaced by `sources_block` (the part is added at the end if missing)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + sources_block(sources) + tail
    return text.rstrip("\n") + "\n\n" + sources_block(sources) + "\n"


def main() -> None:
    ENV_EXAMPLE.write_text(rewrite(), encoding="utf-8")
    print(f"wrote the sources' settings into {ENV_EXAMPLE}")


if __name__ == "__main__":
    main()
