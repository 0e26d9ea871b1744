"""`snapshot:file.json`: a schema saved earlier with `migrator inspect --format json`."""

from __future__ import annotations

from pathlib import Path

from migrator import schema as model
from migrator.errors import BadInput
from migrator.inspect import InspectOptions, register, strip_scheme


class SnapshotSource:
    name = "snapshot"
    schemes = ("snapshot:",)
    description = "a JSON snapshot written by `migrator inspect --format json`"

    def claims_path(self, path: str) -> bool:
        return path.endswith(".json") and Path(path).is_file()

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        path = Path(strip_scheme(spec, self))
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BadInput(f"{path}: no such snapshot file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}: cannot read snapshot: {exc}") from None
        try:
            return model.from_json(text)
        except ValueError as exc:
            raise BadInput(f"{path}: {exc}") from None


register(SnapshotSource())
