"""Keep the translations current: ``python scripts/translations.py [--check | --fill FILE]``.

Extracts the messages from code and templates, merges them into every language's .po file and
compiles the .mo files the app loads. ``--fill`` takes a Python file defining ``NL = {msgid:
translation}`` for first-time bulk translation. Fails listing untranslated messages.
"""

from __future__ import annotations

import io
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "lti_tool" / "translations"
POT = ROOT / "build" / "messages.pot"
LANGUAGES = ("nl",)


def extract() -> None:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603  # our own fixed arguments
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(POT),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )


def update(lang: str, fill: dict | None) -> list[str]:
    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with POT.open("rb") as f:
        template = read_po(f)
    if po_path.exists():
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
    else:
        catalog = read_po(POT.open("rb"), locale=lang)
    catalog.update(template, no_fuzzy_matching=True)
    for message in catalog:
        if message.id and fill and message.id in fill and not message.string:
            message.string = fill[message.id]
    missing = [str(m.id) for m in catalog if m.id and (_untranslated(m) or m.fuzzy)]
    with po_path.open("wb") as f:
        write_po(f, catalog, no_location=True, omit_header=False, sort_output=True)
    with po_path.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)
    return missing


def _untranslated(message: Any) -> bool:
    """No translation; for a plural message, any form missing (its string is a tuple)."""
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(forms)


def check(lang: str) -> list[str]:
    """Problems that ``update`` would fix or report, without writing anything."""
    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with POT.open("rb") as f:
        template = read_po(f)
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    problems = [
        f"{lang}: not in messages.po: {m.id!r}" for m in template if m.id and m.id not in catalog
    ]
    problems += [f"{lang}: untranslated: {m.id!r}" for m in catalog if m.id and _untranslated(m)]
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    if po_path.with_suffix(".mo").read_bytes() != compiled.getvalue():
        problems.append(f"{lang}: messages.mo is stale; run python scripts/translations.py")
    return problems


def main() -> int:
    if "--check" in sys.argv:
        extract()
        problems = [p for lang in LANGUAGES for p in check(lang)]
        print("\n".join(problems) or "translations complete")
        return 1 if problems else 0
    fill = None
    if "--fill" in sys.argv:
        fill = runpy.run_path(sys.argv[sys.argv.index("--fill") + 1])["NL"]
    extract()
    failed = False
    for lang in LANGUAGES:
        missing = update(lang, fill)
        for msgid in missing:
            print(f"{lang}: untranslated: {msgid!r}")
        failed = failed or bool(missing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
