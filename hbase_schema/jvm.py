"""Running HBase's own JVM tools (split, ImportTsv, bulk load) from Python.

The java command, the HBase classpath, the conf dir and the JVM flags are
passed in by the caller (the CLI takes them from the local stack or a
cluster's client install); nothing here looks for them.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hbase_schema.errors import LoadError

logger = logging.getLogger(__name__)

Runner = Callable[..., subprocess.CompletedProcess]


@dataclass(frozen=True)
class JavaTools:
    """How to start a JVM with HBase's jars and client configuration."""

    java: str
    classpath: str
    conf_dir: Path | None = None
    jvm_flags: tuple[str, ...] = ()
    heap: str = "512m"
    extra_classpath: tuple[Path, ...] = field(default_factory=tuple)

    def argv(self, main_class: str, args: Sequence[str]) -> list[str]:
        """The full command line for ``main_class`` with ``args``."""
        entries = [str(path) for path in self.extra_classpath]
        if self.conf_dir is not None:
            entries.append(str(self.conf_dir))
        entries.append(self.classpath)
        flags = list(self.jvm_flags)
        if self.conf_dir is not None and (Path(self.conf_dir) / "log4j2.properties").exists():
            flags.append("-Dlog4j2.configurationFile=%s" % (Path(self.conf_dir) / "log4j2.properties"))
        return [self.java, "-Xmx" + self.heap, *flags, "-cp", ":".join(entries),
                main_class, *args]

    def with_classes(self, classes_dir: Path) -> "JavaTools":
        """A copy that also loads our own compiled classes."""
        return JavaTools(self.java, self.classpath, self.conf_dir, self.jvm_flags,
                         self.heap, (*self.extra_classpath, Path(classes_dir)))


def run_tool(
    tools: JavaTools,
    main_class: str,
    args: Sequence[str],
    *,
    log_file: Path | None = None,
    cwd: Path | None = None,
    timeout_s: float = 1800,
    run: Runner = subprocess.run,
) -> str:
    """Run one JVM tool; return its output, or raise ``LoadError`` with its last error."""
    argv = tools.argv(main_class, args)
    logger.debug("running %s", " ".join(argv))
    try:
        done = run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise LoadError("%s did not finish within %ds" % (_short(main_class), timeout_s)) from None
    except OSError as exc:
        raise LoadError("cannot run %s: %s" % (tools.java, exc)) from None
    output = done.stdout or ""
    if log_file is not None:
        Path(log_file).write_text(output)
    if done.returncode != 0:
        where = "; log: %s" % log_file if log_file else ""
        raise LoadError("%s failed (exit %d): %s%s" % (
            _short(main_class), done.returncode, last_error(output), where))
    return output


def last_error(output: str) -> str:
    """The most telling line of a JVM tool's output."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for marker in ("Exception", "ERROR", "Error", "error"):
        for line in reversed(lines):
            if marker in line and not line.startswith("at "):
                return line[:300]
    return lines[-1][:300] if lines else "no output"


def _short(main_class: str) -> str:
    return main_class.rsplit(".", 1)[-1]
