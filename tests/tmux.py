"""A real terminal for tests: a private tmux server, keys sent with send-keys, the screen read
with capture-pane. Ctrl+C sent this way reaches the foreground process group as it does
when a person presses it."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed (apt-get install tmux)")


class Tmux:
    """One session on its own tmux server (`-L`), so the environment given is the one it runs with."""

    def __init__(self, env: dict[str, str], width: int = 100, height: int = 30) -> None:
        self.name = f"lv-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.size = (width, height)

    def _tmux(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.name, *args], env=self.env, **kwargs)

    def start(self, command: str) -> None:
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(self.size[0]), "-y", str(self.size[1]),
                   command, check=True)

    def start_shell_command(self, command: str, *, status_file) -> None:
        """Run `command` in a shell in the pane and write its exit status to `status_file`."""
        script = f"{command}; echo $? > {shlex.quote(str(status_file))}; sleep 600"
        self.start(f"bash -c {shlex.quote(script)}")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys, check=True)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name, capture_output=True, text=True).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def alive(self) -> bool:
        return self._tmux("has-session", "-t", self.name, capture_output=True).returncode == 0

    def kill(self) -> None:
        self._tmux("kill-server", capture_output=True)
