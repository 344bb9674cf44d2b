"""Where the local stack keeps its jars, configuration, data, logs and pids."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_STACK_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class StackPaths:
    """Every folder and file of the local stack, under one root."""

    root: Path

    @classmethod
    def under(cls, stack_dir: Path) -> "StackPaths":
        """Paths rooted at ``stack_dir`` (made absolute)."""
        return cls(Path(stack_dir).resolve())

    @property
    def lib(self) -> Path:
        return self.root / "lib"

    @property
    def conf(self) -> Path:
        return self.root / "conf"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def ready_marker(self) -> Path:
        return self.root / "READY"

    def jars(self, bundle: str) -> Path:
        """Folder of one Maven bundle's jars (``hbase`` or ``hadoop``)."""
        return self.lib / bundle

    def classpath_file(self, bundle: str) -> Path:
        """File holding one bundle's classpath (conf dir first)."""
        return self.root / ("%s.classpath" % bundle)

    def pom(self, bundle: str) -> Path:
        """The repo's pom.xml that lists one bundle's jars."""
        return REPO_STACK_DIR / "maven" / bundle / "pom.xml"

    def pid_file(self, service: str) -> Path:
        return self.run / ("%s.pid" % service)

    def log_file(self, service: str) -> Path:
        return self.logs / ("%s.log" % service)

    @property
    def hadoop_bin(self) -> Path:
        return self.bin / "hadoop"

    def make_dirs(self) -> None:
        """Create every folder (idempotent)."""
        for folder in (self.lib, self.conf, self.data, self.logs, self.run, self.bin):
            folder.mkdir(parents=True, exist_ok=True)
