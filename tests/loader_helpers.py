"""Shared by the tests/test_loader*.py files: writing case files into a cases/ directory (the
`cases_dir` fixture is in conftest.py)."""
import textwrap
from pathlib import Path


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path.relative_to(directory.parent).as_posix()
