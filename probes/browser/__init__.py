"""The browser stage: headless Chromium (or a Selenium Grid), axe-core, a pool of browsers."""

from probes.browser.axe import (
    ALL_TAGS,
    DEFAULT_TAGS,
    WCAG22_TAGS,
    AxeError,
    AxeOptions,
    AxeResult,
    axe_core_version,
    run_axe,
    wcag_criteria,
)
from probes.browser.driver import Browser, BrowserConfig, BrowserStartError, start_browser
from probes.browser.pool import BrowserPool, PageResult, PoolConfig, PoolStats, default_pool_size

__all__ = [
    "ALL_TAGS",
    "DEFAULT_TAGS",
    "WCAG22_TAGS",
    "AxeError",
    "AxeOptions",
    "AxeResult",
    "Browser",
    "BrowserConfig",
    "BrowserPool",
    "BrowserStartError",
    "PageResult",
    "PoolConfig",
    "PoolStats",
    "axe_core_version",
    "default_pool_size",
    "run_axe",
    "start_browser",
    "wcag_criteria",
]
