"""Export the practice history as JSON or CSV, and read an export back.

JSON keeps everything as stored: `{"format": "levelvoice-history", "version": 1,
"exported_at", "baselines": [...], "takes": [...]}`, one take per line.

CSV has one row per take and one column per value, nested keys joined with dots
(`verdict.metrics.loudness.status`, `features.wpm`). A cell holds: nothing for a
missing value; a number, `true` or `false`; a list as JSON; text as it is, except text
that would read as one of those (e.g. "42" or "") which is written in JSON quotes. So
`read_export` gives back exactly what was stored.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from trainer.errors import StoreError
from trainer.store.records import TakeRecord, iso
from trainer.store.store import Store

FORMAT_NAME = "levelvoice-history"
FORMAT_VERSION = 1
Format = Literal["csv", "json"]


def _reserve(out_dir: Path, stem: str, fmt: str) -> Path:
    """A new, empty private file named after `stem`; `-2`, `-3`… when taken (exports never overwrite)."""
    number = 1
    while True:
        target = out_dir / (f"{stem}.{fmt}" if number == 1 else f"{stem}-{number}.{fmt}")
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return target
        except FileExistsError:
            number += 1
        except OSError as err:
            raise StoreError(f"Cannot write the export {target}: {err.strerror or err}.") from err


def export_history(store: Store, out_dir: Path, fmt: Format, *, now: datetime) -> Path:
    """Write every take (and, in JSON, every baseline) to a new private file in `out_dir`; returns its path.

    Never overwrites a file: a second export in the same second gets `-2` after its time.
    A take row that cannot be read is left out and named in `store.skipped`.
    """
    return export_takes(store, out_dir, fmt, now=now)[0]


def export_takes(store: Store, out_dir: Path, fmt: Format, *, now: datetime) -> tuple[Path, int]:
    """`export_history`, also returning how many takes the file holds."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as err:
        raise StoreError(f"Cannot create the export folder {out_dir}: {err.strerror or err}.") from err
    target = _reserve(out_dir, f"levelvoice-takes-{now.strftime('%Y%m%d-%H%M%S')}", fmt)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            if fmt == "json":
                count = _write_json(store, handle, now)
            else:
                count = _write_csv(store, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise StoreError(f"Cannot write the export {target}: {err.strerror or err}.") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise
    return target, count


def _write_json(store: Store, handle: io.TextIOBase, now: datetime) -> int:
    head = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "exported_at": iso(now),
            "baselines": [b.to_dict() for b in store.baselines()]}
    handle.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "takes": [')  # the head without its "}"
    number = 0
    for number, take in enumerate(store.iter_takes(), start=1):
        handle.write(("\n" if number == 1 else ",\n") + json.dumps(take.to_dict(), ensure_ascii=False))
    handle.write("\n]}\n")
    return number


def _write_csv(store: Store, handle: io.TextIOBase) -> int:
    columns: dict[str, None] = {}
    for take in store.iter_takes():  # first pass: every column any take has, in order
        columns.update(dict.fromkeys(_flatten(_row(take))))
    writer = csv.writer(handle)
    writer.writerow(columns)
    count = 0
    for take in store.iter_takes():
        flat = _flatten(_row(take))
        writer.writerow([_cell(flat[c]) if c in flat else "" for c in columns])
        count += 1
    return count


def _row(take: TakeRecord) -> dict[str, Any]:
    """A take's columns: plain fields first, then the verdict, then the features."""
    data = take.to_dict()
    features, verdict = data.pop("features"), data.pop("verdict")
    data.pop("score")  # the same as verdict.score
    return {**data, **({"verdict": verdict} if verdict is not None else {}), "features": features}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if _reads_as_json(value) else value
    return json.dumps(value, ensure_ascii=False)


def _reads_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return text == ""
    return True


def _value(cell: str) -> Any:
    if cell == "":
        return None
    try:
        return json.loads(cell)
    except ValueError:
        return cell


def _unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *groups, leaf = key.split(".")
        place = nested
        for group in groups:
            place = place.setdefault(group, {})
        place[leaf] = value
    return nested


def _empty_groups_to_none(data: dict[str, Any]) -> dict[str, Any]:
    """Nested groups without any value were None (e.g. the verdict of an unjudged take)."""
    return {k: (None if isinstance(v, dict) and _all_none(v) else
                _empty_groups_to_none(v) if isinstance(v, dict) else v) for k, v in data.items()}


def _all_none(data: dict[str, Any]) -> bool:
    return all(_all_none(v) if isinstance(v, dict) else v is None for v in data.values())


def read_export(path: Path) -> list[TakeRecord]:
    """The takes in an export file written by `export_history` (either format)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise StoreError(f"Cannot read the export {path}: {err.strerror or err}.") from err
    if path.suffix == ".json":
        data = json.loads(text)
        if data.get("format") != FORMAT_NAME:
            raise StoreError(f"{path} is not a Level Voice history export.")
        return [TakeRecord.from_dict(t) for t in data["takes"]]
    rows: Iterable[list[str]] = csv.reader(io.StringIO(text, newline=""))
    header, *body = list(rows)
    return [TakeRecord.from_dict(_empty_groups_to_none(_unflatten(dict(zip(header, map(_value, cells))))))
            for cells in body]
