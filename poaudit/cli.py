"""The ``poaudit`` command line.

Exit codes: 0 success; 1 the audit ran but outcomes matched ``--fail-on``; 2 usage or
configuration error (bad profile, unknown council, unreachable store) — the message says which
file and key.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from poaudit import __version__

app = typer.Typer(
    name="poaudit",
    help="Audit an English council website against the 2004/05 ODPM e-government "
    "Priority Outcomes (R1-R29, G1-G25, E1-E19).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
profile_app = typer.Typer(help="Site profiles.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")
partners_app = typer.Typer(
    help="Two-tier partner councils' deep-link reports.", no_args_is_help=True
)
app.add_typer(partners_app, name="partners")
out = Console()
err = Console(stderr=True)

EXIT_OK, EXIT_FAILED_OUTCOMES, EXIT_USAGE = 0, 1, 2
STATUSES = (
    "met",
    "partly met",
    "not met",
    "met via partner deep link",
    "not applicable",
    "needs attestation",
    "not assessed",
)
StoreOpt = Annotated[
    str,
    typer.Option(
        "--store",
        envvar="POAUDIT_STORE",
        help="Database URL: sqlite:///FILE (default) or postgresql://user@host/db.",
    ),
]
DEFAULT_STORE = "sqlite:///poaudit.sqlite"


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(EXIT_USAGE)


def _config_errors() -> tuple[type[BaseException], ...]:
    from poaudit.catalogue import CatalogueError
    from poaudit.profile import ProfileError
    from poaudit.store import StoreError

    return (ProfileError, StoreError, CatalogueError, LookupError)


def _report_errors() -> type[BaseException]:
    from reports import MailError

    return MailError


def _load(profile_or_url: str) -> Any:
    from poaudit.profile import load_profile, profile_for_url

    if profile_or_url.startswith(("http://", "https://")):
        return profile_for_url(profile_or_url)
    return load_profile(Path(profile_or_url))


def _parse_fail_on(value: str | None) -> set[str]:
    if not value:
        return set()
    wanted = {v.strip() for v in value.split(",") if v.strip()}
    unknown = wanted - set(STATUSES)
    if unknown:
        raise typer.BadParameter(
            f"unknown status {sorted(unknown)}; choose from {', '.join(STATUSES)}",
            param_hint="--fail-on",
        )
    return wanted


def _progress_printer(progress: Progress) -> Any:
    tasks: dict[str, Any] = {}

    def update(stage: str, info: dict[str, Any]) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=None)
        bits = ", ".join(f"{k} {v}" for k, v in info.items() if isinstance(v, int | float | str))
        progress.update(tasks[stage], description=f"{stage}: {bits}"[:100])

    return update


def _summarise(statuses: dict[str, str], fail_on: set[str]) -> int:
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    table = Table(title="Outcome statuses")
    table.add_column("status")
    table.add_column("outcomes", justify="right")
    for status in STATUSES:
        if counts.get(status):
            table.add_row(status, str(counts[status]))
    out.print(table)
    failing = sorted(code for code, status in statuses.items() if status in fail_on)
    if failing:
        err.print(f"{len(failing)} outcome(s) matched --fail-on: {', '.join(failing)}")
        return EXIT_FAILED_OUTCOMES
    return EXIT_OK


@app.command()
def audit(
    profile: Annotated[str, typer.Argument(help="A site profile YAML file, or a start URL.")],
    store: StoreOpt = DEFAULT_STORE,
    out_dir: Annotated[Path, typer.Option("--out", help="Where reports go.")] = Path("reports-out"),
    resume: Annotated[
        int | None, typer.Option("--resume", help="Resume an interrupted run by its id.")
    ] = None,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Run axe-core in Chromium (G20).")
    ] = True,
    fail_on: Annotated[
        str | None,
        typer.Option(help="Exit 1 when any outcome has one of these statuses, e.g. 'not met'."),
    ] = None,
    redis: Annotated[
        str | None,
        typer.Option("--redis", envvar="POAUDIT_REDIS",
                     help="Share the crawl with 'poaudit worker' processes through this Redis "
                     "(the store must be PostgreSQL all workers can reach)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="With --redis: also start this many local workers.")
    ] = 0,
    max_workers: Annotated[
        int | None,
        typer.Option("--max-workers", help="With --redis: at most this many workers on the site "
                     "(each keeps the profile's per-host rate)."),
    ] = None,
    grid: Annotated[
        str | None,
        typer.Option("--grid", envvar="POAUDIT_GRID",
                     help="Run the accessibility checks on this Selenium Grid (WebDriver URL)."),
    ] = None,
) -> None:
    """Crawl a site, run every probe, score all 73 outcomes and write the reports."""
    from poaudit.audit import audit as run_audit
    from poaudit.worker import distributed_audit, with_grid

    wanted = _parse_fail_on(fail_on)
    try:
        prof = with_grid(_load(profile), grid)
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err
        ) as bar:
            if redis:
                result = distributed_audit(prof, store, out_dir, redis, local_workers=workers,
                                           max_workers=max_workers, resume_run=resume,
                                           browser=browser,
                                           progress=_progress_printer(bar))
            else:
                result = run_audit(
                    prof,
                    store,
                    out_dir,
                    resume_run=resume,
                    browser=browser,
                    progress=_progress_printer(bar),
                )
    except _config_errors() as exc:
        raise _fail(str(exc)) from None
    out.print(f"run {result.run_id}: {result.stats.get('pages', '?')} pages")
    for kind, path in sorted(result.reports.items()):
        out.print(f"  {kind}: {path}")
    raise typer.Exit(_summarise(result.statuses, wanted))


@app.command()
def worker(
    redis: Annotated[str, typer.Option("--redis", envvar="POAUDIT_REDIS", help="Redis URL.")],
    store: Annotated[
        str | None,
        typer.Option("--store", envvar="POAUDIT_STORE",
                     help="PostgreSQL URL (default: the one each run was seeded with)."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Stop after one run.")] = False,
    run: Annotated[int | None, typer.Option("--run", help="Work on this run only.")] = None,
    heartbeat_ttl: Annotated[
        float, typer.Option("--heartbeat-ttl", help="Seconds before a silent worker is dead.")
    ] = 15.0,
) -> None:
    """Take pages of distributed crawls from Redis (any number, on any machines)."""
    from poaudit.worker import run_worker

    run_worker(redis, store, once=once, run_id=run, heartbeat_ttl=heartbeat_ttl)


@app.command()
def status(
    redis: Annotated[str, typer.Option("--redis", envvar="POAUDIT_REDIS", help="Redis URL.")],
    run: Annotated[int | None, typer.Option("--run", help="Only this run.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of tables.")] = False,
) -> None:
    """Queue depth, in-flight requests, pages/s per worker and errors of distributed crawls."""
    from poaudit.status import collect, render

    statuses = collect(redis, run)
    if as_json:
        out.print_json(json.dumps(statuses))
    else:
        render(statuses, out)


@app.command()
def nightly(
    sites: Annotated[Path, typer.Argument(help="The nightly file: sites, store, rules (YAML).")],
    browser: Annotated[
        bool | None,
        typer.Option("--browser/--no-browser", help="Override the file's 'browser' setting."),
    ] = None,
) -> None:
    """Audit every site of SITES.yaml into one store and compare each with its last run.

    Exit 0: no configured regression; 1: a regression named in fail_on; 2: the file is
    wrong; 3: another nightly run holds a site's lock, or a site's audit failed.
    """
    from poaudit.nightly import NightlyConfigError, load_nightly, run_nightly

    try:
        config, profiles = load_nightly(sites)
        if browser is not None:
            config.browser = browser
        result = run_nightly(config, profiles)
    except NightlyConfigError as exc:
        raise _fail(str(exc)) from None
    except _config_errors() as exc:
        raise _fail(str(exc)) from None
    for site in result.sites:
        if site.error:
            err.print(f"{site.site}: [red]failed[/]: {site.error}", highlight=False)
            continue
        diff = site.diff
        changes = "first run" if diff is None else (
            f"vs run {diff.previous_id}: {len(diff.new_broken_links)} new broken link(s), "
            f"{len(diff.fixed_broken_links)} fixed, {len(diff.status_changes)} status change(s)")
        out.print(f"{site.site}: run {site.run_id} ({changes})", highlight=False)
        for reg in site.regressions:
            err.print(f"  regression: {reg}", highlight=False)
        if "html" in site.reports:
            out.print(f"  html: {site.reports['html']}", highlight=False)
    raise typer.Exit(result.exit_code)


@app.command()
def report(
    run: Annotated[int, typer.Argument(help="Run id (see 'poaudit runs').")],
    store: StoreOpt = DEFAULT_STORE,
    out_dir: Annotated[Path, typer.Option("--out")] = Path("reports-out"),
    ieg: Annotated[bool, typer.Option("--ieg", help="Also write the IEG submission pack.")] = False,
    partners: Annotated[
        bool, typer.Option("--partners", help="Also write per-partner deep-link reports.")
    ] = False,
    rescore: Annotated[
        bool, typer.Option("--rescore/--no-rescore", help="Score again with this version.")
    ] = True,
    send: Annotated[
        bool,
        typer.Option("--send", help="Mail partner reports via the profile's smtp settings."),
    ] = False,
) -> None:
    """Re-score a stored run and write its reports (no crawling)."""
    import reports
    import scoring
    from poaudit.profile import parse_profile
    from poaudit.store import Store

    try:
        db = Store(store)
        rec = db.get_run(run)
        prof = parse_profile(rec.profile, f"<profile stored with run {run}>")
        if rescore:
            scoring.score_run(db, run, prof)
        paths = reports.write_reports(db, run, prof, out_dir, ieg=ieg, partners=partners or send)
        sent = []
        if send:
            recipients = {p.name: p.email for p in prof.partners if p.email}
            password = (
                os.environ.get(prof.smtp.password_env)
                if prof.smtp and prof.smtp.password_env
                else None
            )
            sent = reports.send_partner_reports(
                reports.build_partner_reports(db, run, prof),
                prof.smtp,
                recipients,
                password=password,
            )
    except (*_config_errors(), _report_errors()) as exc:
        raise _fail(str(exc)) from None
    for kind, path in sorted(paths.items()):
        out.print(f"{kind}: {path}")
    for item in sent:
        out.print(f"sent: {item}")


@app.command()
def outcomes(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """List the 73 outcomes with how far each can be evidenced from a website."""
    from poaudit.catalogue import load_catalogue

    cat = load_catalogue()
    if fmt == "json":
        rows = [
            {
                "code": o.code,
                "class": o.outcome_class,
                "area": o.area,
                "area_name": o.area_name,
                "observable": o.observable,
                "probes": list(o.probes),
                "text": o.text,
            }
            for o in cat.outcomes
        ]
        sys.stdout.write(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        return
    if fmt != "table":
        raise typer.BadParameter("choose table or json", param_hint="--format")
    table = Table(title=f"{len(cat.outcomes)} Priority Outcomes", show_lines=False)
    for col in ("code", "class", "area", "observable", "probes", "outcome"):
        table.add_column(col, overflow="fold")
    for o in cat.outcomes:
        table.add_row(
            o.code,
            o.outcome_class,
            f"{o.area} {o.area_name}",
            o.observable,
            ", ".join(o.probes),
            o.text[:90] + ("…" if len(o.text) > 90 else ""),
        )
    out.print(table)


@app.command()
def runs(
    store: StoreOpt = DEFAULT_STORE,
    site: Annotated[str | None, typer.Option(help="Only this site's runs.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
) -> None:
    """List stored runs, newest first."""
    from poaudit.store import Store

    try:
        rows = Store(store).runs(site, limit)
    except _config_errors() as exc:
        raise _fail(str(exc)) from None
    table = Table(title="Runs")
    for col in ("id", "site", "council", "status", "started", "pages"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id),
            r.site,
            r.council,
            r.status,
            r.started_at.strftime("%Y-%m-%d %H:%M"),
            str(r.stats.get("pages", "")),
        )
    out.print(table)


@profile_app.command("new")
def profile_new(
    council: Annotated[str, typer.Option(help="Council name, short name or SNAC code.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write a starting profile for a real council, partners derived from the councils list."""
    from poaudit.profile import dump_profile, starter_profile

    try:
        text = dump_profile(starter_profile(council))
    except _config_errors() as exc:
        raise _fail(str(exc)) from None
    header = (
        "# poaudit site profile. Check start_urls and hosts: the councils list gives today's\n"
        "# homepages. Set contact_url to a page about your audit (it goes in the User-Agent).\n"
    )
    if output is None:
        sys.stdout.write(header + text)
    else:
        output.write_text(header + text, encoding="utf-8")
        out.print(f"wrote {output}")


@profile_app.command("check")
def profile_check(path: Annotated[Path, typer.Argument()]) -> None:
    """Validate a profile file; exit 2 with the file, key and reason when it is wrong."""
    from poaudit.profile import load_profile

    try:
        p = load_profile(path)
    except _config_errors() as exc:
        raise _fail(str(exc)) from None
    out.print(f"{path}: ok ({p.council}, {p.tier}, {len(p.partners)} partner(s))")


@partners_app.command("import")
def partners_import(
    answers: Annotated[Path, typer.Argument(help="A partner's returned CSV (new URL filled in).")],
    fixes: Annotated[
        Path, typer.Option("--fixes", help="The site's link-fixes file to update.")
    ] = Path("link-fixes.yaml"),
) -> None:
    """Apply a partner council's answers (new URLs) to the site's link-fixes file."""
    from reports import AnswersError, import_partner_answers

    try:
        applied = import_partner_answers(answers, fixes)
    except (AnswersError, OSError) as exc:
        raise _fail(str(exc)) from None
    out.print(f"{len(applied)} fix(es) applied to {fixes}")
    for fix in applied:
        out.print(f"  {fix.old_url} -> {fix.new_url}", highlight=False)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out")] = Path("poaudit-demo"),
    pages: Annotated[int, typer.Option(help="Pages per generated site.")] = 60,
    site: Annotated[str, typer.Option(help="Which generated council to audit.")] = "mid-suffolk",
    browser: Annotated[bool, typer.Option("--browser/--no-browser")] = True,
) -> None:
    """Serve the bundled two-tier demo area on loopback and audit its district."""
    from poaudit.demo import run_demo

    try:
        paths = run_demo(out_dir, pages_per_site=pages, site=site, browser=browser, console=out)
    except _config_errors() as exc:
        raise _fail(str(exc)) from None
    html = paths.get("html")
    out.print(f"[bold]HTML report:[/] {html.resolve() if html else '(none)'}")


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"poaudit {__version__}")


def main() -> None:
    """Console-script entry point."""
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download a driver
    app()


if __name__ == "__main__":
    main()
