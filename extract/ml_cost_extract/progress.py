"""Progress of a long extraction: one live line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    live: bool | None = None

    def __post_init__(self) -> None:
        if self.live is None:
            self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, where: str, entity: str, detail: str = "") -> None:
        text = f"{where} {entity} {detail}".rstrip()
        if self.live:
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(f"ml-cost-extract: {text}\n")
        self.stream.flush()

    def done(self, where: str, entity: str, rows: int, calls: int) -> None:
        self.step(where, entity, f"{rows} rows, {calls} API calls")
        if self.live:
            self.stream.write("\n")

    def message(self, text: str) -> None:
        if self.live:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()
