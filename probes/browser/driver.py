"""Headless Debian Chromium through Selenium, or a remote WebDriver (Selenium Grid).

Local browsers use Debian's ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` only: the
driver path is given to ``Service`` and ``SE_OFFLINE`` is set, so Selenium Manager never tries
to download a driver or a browser. Each browser gets a fresh temporary ``--user-data-dir`` that
is removed when it quits, and its chromedriver runs in its own session (process group) so a
hung browser can be killed outright with everything it started.

With ``BrowserConfig.remote_url`` set, :func:`start_browser` returns a ``webdriver.Remote``
session on that URL instead (a Selenium Grid, or any W3C WebDriver endpoint); nothing else in
the browser stage changes. A remote browser cannot be killed from here: :meth:`Browser.kill`
ends its session in the background and drops it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

__all__ = [
    "CHROMIUM_FLAGS",
    "LOOPBACK_ONLY_ARGS",
    "Browser",
    "BrowserConfig",
    "BrowserStartError",
    "start_browser",
]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: Flags for headless Chromium as root in a container (../shared/reference/toolchain.md).
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)

#: Keep a browser on loopback (tests, benchmarks, corpora): every other host resolves to
#: nothing, and anything not resolved by name goes to a dead proxy (loopback is never proxied).
LOOPBACK_ONLY_ARGS: tuple[str, ...] = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
    "--proxy-server=http://127.0.0.1:9",
)

# Never let Selenium Manager reach the network, whatever the caller does.
os.environ.setdefault("SE_OFFLINE", "true")


class BrowserStartError(RuntimeError):
    """The browser (or the remote session) could not be started."""


@dataclass(frozen=True, slots=True)
class BrowserConfig:
    """How to start one browser. ``remote_url`` replaces local browsers with a Grid."""

    chromium_path: str = CHROMIUM
    chromedriver_path: str = CHROMEDRIVER
    remote_url: str | None = None
    window_size: tuple[int, int] = (1280, 1024)
    extra_args: tuple[str, ...] = ()
    page_load_timeout: float = 30.0
    script_timeout: float = 30.0
    #: Remote only: timeout of each HTTP call to the Grid (local hangs are killed by the pool).
    command_timeout: float = 120.0
    env: dict[str, str] = field(default_factory=dict)


class Browser:
    """One WebDriver session and what it owns (driver process, temp profile)."""

    def __init__(
        self,
        driver: WebDriver,
        config: BrowserConfig,
        service: Service | None = None,
        user_data_dir: str | None = None,
    ) -> None:
        self.driver = driver
        self.config = config
        self.service = service
        self.user_data_dir = user_data_dir
        self.pages_done = 0
        self.axe_registered = False  # set by probes.browser.axe.prepare_browser
        self.killed = threading.Event()
        self._closed = False
        self._lock = threading.Lock()

    @property
    def is_remote(self) -> bool:
        """True for a remote WebDriver session (no CDP, no process to kill)."""
        return self.service is None

    @property
    def pid(self) -> int | None:
        """The chromedriver's pid (also its process group id), None for remote sessions."""
        proc = getattr(self.service, "process", None) if self.service else None
        return int(proc.pid) if proc is not None else None

    def kill(self) -> None:
        """Hard-stop this browser now (safe from any thread, idempotent).

        Local: SIGKILL to chromedriver's process group (chromedriver and every Chromium
        process). Remote: the session is deleted in a background thread and dropped.
        """
        self.killed.set()
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        elif not self._closed:
            threading.Thread(target=self._quiet_quit, daemon=True).start()

    def quit(self) -> None:
        """End the session and remove the temporary profile (kills if quitting fails)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if not self.killed.is_set():
            self._quiet_quit()
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            proc = getattr(self.service, "process", None)
            if proc is not None:
                with contextlib.suppress(Exception):
                    proc.wait(timeout=5)
        if self.user_data_dir:
            shutil.rmtree(self.user_data_dir, ignore_errors=True)

    def _quiet_quit(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.quit()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.quit()


def chromium_options(config: BrowserConfig, user_data_dir: str | None) -> webdriver.ChromeOptions:
    """ChromeOptions with poaudit's flags (and the local binary and profile when given)."""
    opts = webdriver.ChromeOptions()
    if config.remote_url is None:
        opts.binary_location = config.chromium_path
    for flag in (*CHROMIUM_FLAGS, *config.extra_args):
        opts.add_argument(flag)
    width, height = config.window_size
    opts.add_argument(f"--window-size={width},{height}")
    if user_data_dir:
        opts.add_argument(f"--user-data-dir={user_data_dir}")
    opts.page_load_strategy = "normal"
    opts.unhandled_prompt_behavior = "dismiss"  # alert()/confirm() must not stall an audit
    return opts


def start_browser(config: BrowserConfig | None = None) -> Browser:
    """Start one browser (local Debian Chromium, or a session on ``config.remote_url``)."""
    config = config or BrowserConfig()
    if config.remote_url:
        return _start_remote(config)
    for path in (config.chromium_path, config.chromedriver_path):
        if not os.access(path, os.X_OK):
            raise BrowserStartError(
                f"{path} not found: install Debian's chromium and chromium-driver "
                "(apt-get install -y chromium chromium-driver)"
            )
    user_data_dir = tempfile.mkdtemp(prefix="poaudit-chromium-")
    service = Service(
        config.chromedriver_path,
        env={**os.environ, **config.env},
        popen_kw={"start_new_session": True},
    )
    try:
        driver = webdriver.Chrome(service=service, options=chromium_options(config, user_data_dir))
    except Exception as exc:
        proc = getattr(service, "process", None)
        if proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(user_data_dir, ignore_errors=True)
        raise BrowserStartError(f"could not start Chromium: {exc}") from exc
    _set_timeouts(driver, config)
    return Browser(driver, config, service=service, user_data_dir=user_data_dir)


def _start_remote(config: BrowserConfig) -> Browser:
    from selenium.webdriver.remote.client_config import ClientConfig

    assert config.remote_url is not None
    client = ClientConfig(remote_server_addr=config.remote_url, timeout=int(config.command_timeout))
    try:
        driver = webdriver.Remote(
            command_executor=config.remote_url,
            options=chromium_options(config, None),
            client_config=client,
        )
    except Exception as exc:
        raise BrowserStartError(f"could not start a session on {config.remote_url}: {exc}") from exc
    _set_timeouts(driver, config)
    return Browser(driver, config)


def _set_timeouts(driver: Any, config: BrowserConfig) -> None:
    driver.set_page_load_timeout(config.page_load_timeout)
    driver.set_script_timeout(config.script_timeout)
