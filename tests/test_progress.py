"""Progress on a non-terminal: a plain line every `every` seconds with done/total, rate, time left
and failures, and the final count at the end; nothing when quiet. No TensorFlow."""
import io

from harness.output import progress
from harness.output.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_lines_every_interval_with_rate_eta_and_failures(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    out = io.StringIO()
    with Progress(100, "run", quiet=False, every=10, stream=out) as bar:
        clock.now += 30                      # start-up: workers import TensorFlow
        bar.update(1)                        # the first result: a line, with no rate yet
        clock.now += 5
        bar.update(9, failed=1)              # 5 s after the last line: none
        clock.now += 20
        bar.update(40, failed=2)             # 49 in 25 s since the first
        bar.write("FAIL something")
    lines = out.getvalue().splitlines()
    assert lines[0] == "1/100 runs (1%), 0 failed, 0:30 elapsed"
    assert lines[1] == "50/100 runs (50%), 2.0/s, about 0:25 left, 3 failed, 0:55 elapsed"
    assert lines[2] == "FAIL something"
    assert lines[3].startswith("50/100 runs (50%)")          # the final count
    assert len(lines) == 4


def test_quiet_prints_nothing_but_what_is_written(monkeypatch):
    out = io.StringIO()
    with Progress(3, quiet=True, every=0, stream=out) as bar:
        bar.update(3, failed=1)
    assert out.getvalue() == ""


def test_a_terminal_gets_a_bar_from_the_first_result():
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    out = Terminal()
    with Progress(10, "run", stream=out) as bar:
        assert bar.bar is None              # nothing yet: workers are starting
        for i in range(10):
            bar.update(1, failed=int(i == 3))
        bar.write("FAIL x")
    text = out.getvalue()
    assert "10/10" in text and "failed=1" in text and "FAIL x\n" in text
