"""The one output path of a run, for `tfconform run` and the pytest plugin alike: each result's
tensors and record as it comes, then results.jsonl with its run description, then the report,
rendered from the results files as `tfconform report` would."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from harness.model import REFERENCE, Result
from harness.targets import order
from harness.output import results
from harness.output.tensorstore import TensorStore, store_result


class Recorder:
    """Records results into a folder: tensors under `folder/tensors`, records in memory until
    `write`. Safe to call from several threads. With `journal`, each record also goes, as it
    comes, to the folder's results.jsonl.partial (harness.run.reuse), which `write` removes: an
    interrupted run leaves what it did for the next one to take."""

    def __init__(self, folder: Path | None, journal: bool = False):
        self.folder = Path(folder) if folder is not None else None
        self.store = TensorStore(self.folder) if self.folder is not None else None
        self.records: list[dict] = []
        self._lock = threading.Lock()
        self._journal = None
        if journal and self.folder is not None:
            from harness.run.reuse import JOURNAL
            self.folder.mkdir(parents=True, exist_ok=True)
            self._journal_path = self.folder / JOURNAL
            # Written anew (what it held that still counts comes back through `reuse`), so a
            # journal never holds records this run did not take.
            self._journal = open(self._journal_path, "w", encoding="utf-8")

    def _keep(self, rec: dict) -> None:
        with self._lock:
            self.records.append(rec)
            if self._journal is not None:
                self._journal.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
                self._journal.flush()

    def add(self, result: Result, key: str | None = None) -> dict:
        rec = results.record(result, result.tf_version, store_result(self.store, result), key)
        self._keep(rec)
        return rec

    def reuse(self, rec: dict) -> dict:
        """A record an earlier run made (harness.run.reuse), taken as it is, its tensors kept."""
        if self.store is not None:
            self.store.keep((rec.get("tensor_files") or {}).values())
        self._keep(rec)
        return rec

    def prune(self) -> None:
        """Remove the tensor files of an earlier run that this one did not write (files are named
        after their content, so a rerun keeps, rather than compresses again, what is unchanged)."""
        if self.store is not None:
            self.store.prune()

    def write(self, path: Path, tf_version: str | None = None) -> dict:
        """results.jsonl at `path` (tensor paths made relative to it) and its run description."""
        records = sorted(self.records, key=lambda r: (r["id"], r["target"] != REFERENCE, order(r["target"])
                                                     if r["target"] != REFERENCE else ()))
        results.write(path, results.rebase(records, self.folder, Path(path).parent))
        versions = sorted({r["tf_version"] for r in records if r.get("tf_version")})
        meta = results.run_meta(sorted({r["target"] for r in records} - {REFERENCE}, key=order),
                                tf_version or (versions[0] if len(versions) == 1 else ", ".join(versions) or None))
        results.write_meta(path, meta)
        if self._journal is not None:       # the run is complete: nothing to resume
            self._journal.close()
            self._journal = None
            self._journal_path.unlink(missing_ok=True)
        return meta


def clear(folder: Path, tensors: bool = True) -> None:
    """Remove what an earlier run wrote into a report folder: results files, their sidecars and
    (unless `tensors` is False: the Recorder's `prune` then removes those this run did not write)
    tensors. The HTML is replaced when the report is rendered."""
    folder = Path(folder)
    for path in [*results.results_files(folder), *folder.glob("results*.meta.json")]:
        path.unlink(missing_ok=True)
    if tensors:
        TensorStore(folder).clear()


def render_folder(folder: Path, files: list[Path] | None = None) -> Path | None:
    """The report of the results files in `folder` (all of them by default, merging shards and
    xdist workers); None when they hold no result or a problem."""
    from harness.output.report import render
    files = files or results.results_files(folder)
    merged, problems = results.read(files)
    if not merged or problems:
        return None
    return render(merged, Path(folder), meta=results.read_meta(files))
