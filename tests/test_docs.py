"""The README's promises: its test command is exactly what CI runs, its commands exist."""
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_readme_has_exactly_two_setup_commands():
    commands = setup_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert commands[0].endswith("tfconform run")
    assert "test]" in commands[1] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == setup_commands()[1]


def test_documented_subcommands_exist():
    """Every subcommand the README's table of commands lists is one the CLI has, and the other way
    round (an undocumented command, or a documented one that is gone, fails)."""
    from harness.cli import make_parser
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `tfconform (\w+)", table, re.M))
    parser = make_parser()
    subparsers = next(a for a in parser._actions if a.choices and "run" in a.choices).choices
    assert documented == set(subparsers), (documented, set(subparsers))
    for command in documented:
        required = {"report": ["x.jsonl"], "pin": ["cases"], "sweep": ["--op", "conv2d"],
                    "matrix": ["cases", "--tf", "2.21.0"], "env": ["list"], "bugreport": ["x.yaml", "-o", "d"], "cache": ["info"]}
        args = parser.parse_args([command] + required.get(command, []))
        assert args.command == command


def _readme_commands():
    """`tfconform ...` as the README writes it: code spans and lines of sh blocks."""
    readme = (ROOT / "README.md").read_text()
    spans = re.findall(r"`(tfconform [^`]+)`", readme)
    blocks = [line for block in re.findall(r"```sh\n(.*?)\n```", readme, re.S)
              for line in block.splitlines() if line.startswith("tfconform ")]
    return spans + blocks


def test_every_documented_command_and_option_exists():
    """Concrete commands parse as written; in usage lines every `--option` belongs to its
    subcommand (the table of commands, the Sweeps section)."""
    from harness.cli import make_parser
    parser = make_parser()
    subparsers = next(a for a in parser._actions if a.choices and "sweep" in a.choices).choices
    commands = _readme_commands()
    assert {c.split()[1] for c in commands} >= {"run", "check", "sweep", "report", "mutate"}
    for command in commands:
        words = shlex.split(command)[1:]
        if len(words) == 1 or words[1:] == ["--help"]:      # a mention of the subcommand
            assert words[0] in subparsers, command
        elif any(ch in command for ch in "[]|.") or any(w.isupper() for w in words):
            options = {o for a in subparsers[words[0]]._actions for o in a.option_strings}
            assert set(re.findall(r"--[a-z-]+|-[a-zA-Z]\b", command)) <= options, command
        else:
            parser.parse_args(words)


def test_the_findings_section_counts_what_cases_found_holds():
    """The README's summary of cases/found is the folder's: its files, each counted by the kind its
    name starts with (the gravest class that shrank to it), one of the kinds it pins."""
    import yaml

    from harness.sweep.classify import SEVERITY
    readme = (ROOT / "README.md").read_text()
    section = " ".join(readme.split("## What the sweeps found", 1)[1].split("\n## ", 1)[0].split())
    kinds = dict.fromkeys(SEVERITY, 0)
    files = sorted((ROOT / "cases" / "found").glob("*/*.yaml"))
    for path in files:
        pinned = [k["kind"] for case in yaml.safe_load(path.read_text())["cases"] for k in case["known"]]
        named = max((k for k in SEVERITY if path.name.startswith(k + "-")), key=len)
        assert named in pinned, path
        kinds[named] += 1
    words = {"value": "wrong values", "crash": "crashes", "timeout": "hangs", "shape": "wrong shapes",
             "internal-error": "internal errors", "missing-error": "missing errors",
             "error-type": "wrong error types", "error-message": "wrong error messages",
             "unexpected-error": "unexpected errors"}
    assert re.search(rf"\b{len(files)} files\b", section)
    for kind, count in kinds.items():
        if count or words[kind] in section:
            assert re.search(rf"\b{count} {words[kind]}\b", section), kind


def test_the_ledger_lists_every_found_file_once_with_its_upstream():
    """docs/ledger.md: every file of cases/found under exactly one class, the class's link (or
    status) carried by a `known` entry of each of its files; the README's table, a row per class."""
    import yaml
    text = (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    listed = []
    for section in sections:
        files = re.findall(r"^- \[(cases/found/[^\]]+)\]", section, flags=re.M)
        up = re.search(r"^Upstream: (?:\[[^\]]*\]\(([^)]+)\)|none found) \(([\w-]+)\)", section, flags=re.M)
        assert files and up, section[:200]
        link, status = up.groups()
        for f in files:
            entries = [k for c in yaml.safe_load((ROOT / f).read_text())["cases"] for k in c.get("known") or []]
            assert all("status" in k for k in entries), f"{f}: an entry without an upstream status"
            assert any(k.get("link") == link and k["status"] == status for k in entries), (f, link, status)
        listed += files
    found = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "cases" / "found").glob("*/*.yaml"))
    assert sorted(listed) == found
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"\(docs/ledger\.md#([\w-]+)\)", readme)
    assert sorted(rows) == sorted(s.split("\n", 1)[0].strip() for s in sections)
