"""Progress of a long run: tqdm's bar in a terminal; in a CI log or a file, where a bar's carriage
returns make one unreadable line, a plain line every `every` seconds (done/total, rate, failures so
far, time left). The rate and time left count from the first result, so that workers' start-up
(importing TensorFlow) does not make the first estimate absurd."""
from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, unit: str = "run", desc: str = "", quiet: bool = False,
                 every: float = 10.0, stream=None):
        self.total, self.unit, self.desc, self.quiet, self.every = total, unit, desc, quiet, every
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.first = None                   # when the first result came
        self.last_line = self.start
        self.bar = None
        self.tty = not quiet and self.stream.isatty()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def update(self, n: int = 1, failed: int = 0) -> None:
        now = time.monotonic()
        self.done += n
        self.failed += failed
        if self.first is None:
            self.first = (now, self.done)
            if self.tty:        # the bar's clock starts with the first result: no start-up in its rate
                from tqdm import tqdm
                self.bar = tqdm(total=self.total, initial=self.done - n, unit=self.unit, desc=self.desc or None,
                                file=self.stream, dynamic_ncols=True, smoothing=0.1)
        if self.bar is not None:
            if failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(n)
        elif not self.quiet and now - self.last_line >= self.every:
            self.last_line = now
            self._line(now)

    def _line(self, now: float) -> None:
        pct = 100 * self.done // self.total if self.total else 100
        text = f"{self.desc + ': ' if self.desc else ''}{self.done}/{self.total} {self.unit}s ({pct}%)"
        t0, n0 = self.first
        if now > t0 and self.done > n0:
            rate = (self.done - n0) / (now - t0)
            text += f", {rate:.1f}/s"
            if self.done < self.total:
                text += f", about {_clock((self.total - self.done) / rate)} left"
        text += f", {self.failed} failed, {_clock(now - self.start)} elapsed"
        print(text, file=self.stream, flush=True)

    def write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif not self.quiet and self.first is not None and self.last_line != self.start:
            self._line(time.monotonic())      # the final count, when lines were printed at all
