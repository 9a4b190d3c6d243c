"""The one error type of the build: where (file and line), what was expected, what was found."""
from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    def __init__(self, file: str | Path | None, line: int | None, message: str, column: int | None = None):
        self.file, self.line, self.message, self.column = (str(file) if file else None), line, message, column
        where = f"{self.file}:{line}" if file and line else (self.file or "build")
        where += f":{column}" if file and line and column else ""
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # a worker process's error comes back whole
        return BuildError, (self.file, self.line, self.message, self.column)
