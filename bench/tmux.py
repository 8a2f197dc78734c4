"""A real terminal for the benchmarks that measure what the analyst sees: a private tmux
server (its own socket) with one pane of a fixed size, driven through one control-mode
client (`tmux -C`: commands over a pipe, so polling the screen starts no process).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SESSION = "bench"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def require_tmux(benchmark: str) -> None:
    if shutil.which("tmux") is None:
        raise SystemExit(f"{benchmark} needs tmux (apt-get install -y tmux)")


def zshield_argv() -> list[str]:
    """The command an analyst types: the venv's `zshield` script where it is installed."""
    script = Path(sys.executable).parent / "zshield"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zshield_tui"]


class Pane:
    def __init__(self, scratch: Path, env: dict[str, str], width: int, height: int) -> None:
        self.base = ["tmux", "-S", str(scratch / "tmux.sock"), "-f", os.devnull]
        subprocess.run([*self.base, "new-session", "-d", "-s", SESSION, "-x", str(width),
                        "-y", str(height), "sleep 86400"], env=env, check=True)
        self.client = subprocess.Popen([*self.base, "-C", "attach-session", "-t", SESSION],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        try:
            # The control client has no size of its own; the window keeps its size whatever.
            for command in ("set-option -g window-size manual",
                            "set-option -g default-terminal tmux-256color",
                            "set-option -g remain-on-exit on",
                            "refresh-client -f no-output"):   # no %output stream to wade through
                self.command(command)
        except BaseException:
            self.close()
            raise

    def command(self, line: str) -> list[str]:
        """Runs one tmux command; its output lines. Raises on a tmux error."""
        assert self.client.stdin and self.client.stdout
        self.client.stdin.write(line.encode() + b"\n")
        self.client.stdin.flush()
        output: list[str] = []
        inside = False
        while raw := self.client.stdout.readline():
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if text.startswith("%begin ") and text.endswith(" 1"):  # 1: our own command
                inside, output = True, []
            elif inside and (text.startswith("%end ") or text.startswith("%error ")):
                if text.startswith("%error "):
                    raise RuntimeError(f"tmux {line!r}: {' '.join(output)}")
                return output
            elif inside:
                output.append(text)
        raise RuntimeError(f"tmux control client ended during {line!r}")

    def capture(self) -> list[str]:
        """The lines on screen now."""
        return self.command(f"capture-pane -p -t {SESSION}")

    def respawn(self, words: list[str]) -> None:
        """Ends whatever runs in the pane and starts `words` there."""
        if any('"' in w or "\\" in w or " " in w for w in words):
            raise ValueError(f"cannot pass {words} to tmux unquoted")
        self.command(f"respawn-pane -k -t {SESSION} " + " ".join(f'"{w}"' for w in words))

    def send_keys(self, *keys: str) -> None:
        self.command(f"send-keys -t {SESSION} " + " ".join(keys))

    def clear(self) -> None:
        """Nothing running, and a blank screen and history."""
        self.respawn(["sleep", "86400"])
        self.command(f"send-keys -R -t {SESSION}")
        self.command(f"clear-history -t {SESSION}")

    def pid(self) -> int:
        """The process running in the pane."""
        (pid,) = self.command(f"display-message -p -t {SESSION} '#{{pane_pid}}'")
        return int(pid)

    def cpu_seconds(self) -> float:
        """CPU time (user + system, all threads) of the process in the pane so far."""
        fields = Path(f"/proc/{self.pid()}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS   # utime, stime

    def close(self) -> None:
        """Ends the server and with it whatever runs in the pane, even when the control
        client is stuck or gone."""
        subprocess.run([*self.base, "kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        self.client.kill()
        self.client.communicate(timeout=10)   # and closes its pipes
