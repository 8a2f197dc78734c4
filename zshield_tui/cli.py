"""`zshield`: the TUI with no subcommand; headless subcommands otherwise (DESIGN §2).

Exit codes: 0 ok, 1 the work failed, 2 bad usage or bad config. Every error is one line
naming what is wrong and where; no traceback reaches the user. Command modules are
imported only when chosen, so starting the TUI pays for none of them.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

FORMATS = ("auto", "zshield", "suricata", "wazuh", "elastic", "ocsf", "guardduty", "zeek",
           "falco")


_SIM_PORTS = {"jira": 8081, "servicenow": 8082}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zshield", description="Security alerts to Jira and ServiceNow tickets.",
    )
    parser.add_argument("--config", metavar="PATH", help="config file (env ZSHIELD_CONFIG)")
    parser.add_argument("--db", metavar="DB", help="SQLite file, sqlite:/// or postgresql:// "
                        "URL (env ZSHIELD_DB)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="the TUI on a fresh database of generated alerts")
    demo.add_argument("--count", type=int, default=5000, help="alerts to generate (5000)")

    ingest = sub.add_parser("ingest", help="load alert files; - reads stdin")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--format", choices=FORMATS, default="auto")
    ingest.add_argument("--json", action="store_true", help="one JSON document, every error")
    ingest.add_argument("--follow", action="store_true",
                        help="keep reading as files grow, like tail -F (files, globs, -); "
                             "resumes where it stopped; runs until SIGTERM or Ctrl-C")

    listing = sub.add_parser("list", help="alerts as lines or JSON lines")
    listing.add_argument("--filter", default="", metavar="F", help="the TUI's filter grammar")
    listing.add_argument("--limit", type=int, default=50, metavar="N")
    listing.add_argument("--sort", choices=("time", "severity"), default="time")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")

    show = sub.add_parser("show", help="one alert with its tickets, notes and children")
    show.add_argument("alert_id", metavar="ALERT_ID")
    show.add_argument("--json", action="store_true", help="one JSON document")

    preview = sub.add_parser("preview", help="the mapping rendered for one alert, and the request")
    preview.add_argument("alert_id", metavar="ALERT_ID")
    preview.add_argument("--target", required=True, metavar="NAME",
                         help="a configured target, or example-jira / example-snow")
    preview.add_argument("--json", action="store_true", help="one JSON document")

    push = sub.add_parser("push", help="create (or find, never duplicate) the alerts' tickets")
    push.add_argument("alert_ids", nargs="+", metavar="ALERT_ID")
    push.add_argument("--target", required=True, metavar="NAME", help="a configured target")
    push.add_argument("--dry-run", action="store_true", help="render and check; send nothing")
    push.add_argument("--json", action="store_true", help="one JSON document")

    comment = sub.add_parser("comment", help="add a note that syncs to the alert's tickets")
    comment.add_argument("alert_id", metavar="ALERT_ID")
    comment.add_argument("text", metavar="TEXT")
    comment.add_argument("--json", action="store_true", help="one JSON document")

    close = sub.add_parser("close", help="resolve an alert and move its tickets")
    close.add_argument("alert_id", metavar="ALERT_ID")
    close.add_argument("--children", action="store_true", help="also every child's ticket")
    close.add_argument("--json", action="store_true", help="one JSON document")

    sync = sub.add_parser("sync", help="drain the outbox and poll remote changes")
    sync.add_argument("--once", action="store_true", help="exit when done")
    sync.add_argument("--interval", type=float, default=60.0, metavar="S",
                      help="seconds between passes without --once (60)")
    sync.add_argument("--json", action="store_true", help="one JSON document per pass")

    sim = sub.add_parser("sim", help="serve a Jira or ServiceNow simulator on 127.0.0.1")
    sim.add_argument("kind", choices=("jira", "servicenow"))
    sim.add_argument("--port", type=int, default=0, help="default: 8081 jira, 8082 servicenow")

    daemon = sub.add_parser("run", help="the daemon: follow [[sources]], serve [receive], "
                                        "auto-create and sync until SIGTERM")
    daemon.add_argument("--interval", type=float, default=60.0, metavar="S",
                        help="seconds between full sync passes (60)")
    daemon.add_argument("--log-format", choices=("text", "json"), default="text",
                        help="one line per event on stderr: text or JSON objects")

    receive = sub.add_parser("receive", help="HTTP intake: senders POST alerts to /alerts")
    receive.add_argument("--listen", metavar="HOST:PORT",
                         help="default: [receive] listen, else 127.0.0.1:8765; "
                              "not loopback: needs [receive] tls")

    rules = sub.add_parser("rules", help="automation rules: whatif | show [ALERT_ID] | stage")
    rules.add_argument("action", choices=("whatif", "show", "stage"))
    rules.add_argument("alert_id", nargs="?", metavar="ALERT_ID",
                       help="with show: which rule matches this alert and why")
    rules.add_argument("--days", type=int, default=7, metavar="N", help="whatif: days (7)")
    rules.add_argument("--target", metavar="NAME",
                       help="whatif: only this target; stage: the production target")
    rules.add_argument("--count", type=int, default=5, metavar="N",
                       help="stage: alerts sent to the staging twin (5)")
    rules.add_argument("--dry-run", action="store_true",
                       help="whatif: check the target's staging twin's mapping too")
    rules.add_argument("--json", action="store_true", help="one JSON document")

    db = sub.add_parser("db", help="the database: migrate | copy --to URL")
    db.add_argument("action", choices=("migrate", "copy"))
    db.add_argument("--to", metavar="URL", help="with copy: the database to copy every row "
                    "into (e.g. postgresql://user@host/soc)")
    db.add_argument("--json", action="store_true", help="one JSON document")

    config = sub.add_parser("config", help="config file: path | check | init | login TARGET")
    config.add_argument("action", choices=("path", "check", "init", "login"))
    config.add_argument("target", nargs="?", metavar="TARGET",
                        help="with login: the Jira Cloud target using OAuth 2.0")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from zshield_tui.commands.context import EXIT_FAILED, EXIT_USAGE, Context, UsageError
    from zshield_tui.domain.terminal import printable
    from zshield_tui.store.db import StoreError

    ctx = Context(config_override=args.config, db_override=args.db)
    try:
        return _dispatch(ctx, args)
    except (UsageError, StoreError, *_config_errors()) as exc:
        # Messages may quote an alert id or a file's content: escaped like all other text.
        print(printable(f"zshield: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.Error as exc:
        # Read-only, full or locked after the database opened: the work stopped part way,
        # and what was committed before stays. Full and locked pass; the rest needs a fix.
        from zshield_tui.store.db import describe_database_error, fault_kind

        where = ctx.__dict__.get("database", "the database")  # resolved when it was opened
        print(printable(f"zshield: {describe_database_error(where, exc)}"), file=sys.stderr)
        return EXIT_FAILED if fault_kind(exc) in {"full", "locked"} else EXIT_USAGE
    except _server_errors() as exc:
        # The PostgreSQL server went away or refused a statement after the database opened:
        # what was committed before stays, and the command can run again.
        where = ctx.__dict__.get("database", "the database")
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(printable(f"zshield: {where}: {reason}; what was committed before is kept"),
              file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("zshield: interrupted; what was stored so far is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # `zshield list | head` is not an error
        return 0


def _config_errors() -> tuple[type[Exception], ...]:
    """ConfigError if the config module is loaded, as only then can one be raised.
    Importing it just to name it in `except` cost the TUI's first paint about 90 ms
    (pydantic, the config models); the TUI validates its config after that paint."""
    config = sys.modules.get("zshield_tui.config")
    return (config.ConfigError,) if config is not None else ()


def _server_errors() -> tuple[type[Exception], ...]:
    """psycopg's errors once the PostgreSQL driver is loaded (team mode); none before."""
    psycopg = sys.modules.get("psycopg")
    return (psycopg.Error,) if psycopg is not None else ()


def _dispatch(ctx, args: argparse.Namespace) -> int:
    if args.command is None:
        from zshield_tui.commands import tui_cmd

        return tui_cmd.run(ctx)
    if args.command == "demo":
        from zshield_tui.commands import demo_cmd

        return demo_cmd.run(ctx, count=args.count)
    if args.command == "ingest":
        if args.follow:
            from zshield_tui.commands import follow_cmd

            return follow_cmd.run(ctx, args.paths, args.format, as_json=args.json)
        from zshield_tui.commands import ingest_cmd

        return ingest_cmd.run(ctx, args.paths, args.format, as_json=args.json)
    if args.command == "list":
        from zshield_tui.commands import list_cmd

        return list_cmd.run(ctx, args.filter, args.limit, args.sort, args.json)
    if args.command == "show":
        from zshield_tui.commands import show_cmd

        return show_cmd.run(ctx, args.alert_id, args.json)
    if args.command == "preview":
        from zshield_tui.commands import preview_cmd

        return preview_cmd.run(ctx, args.alert_id, args.target, args.json)
    if args.command == "rules":
        from zshield_tui.commands import rules_cmd

        if args.action == "whatif":
            return rules_cmd.whatif(ctx, args.days, args.target, args.dry_run, args.json)
        if args.action == "stage":
            return rules_cmd.stage(ctx, args.target, args.count, args.json)
        return rules_cmd.show(ctx, args.alert_id, args.json)
    if args.command in {"push", "comment", "close", "sync"}:
        from zshield_tui.commands import sync_cmd

        if args.command == "push":
            return sync_cmd.push(ctx, args.alert_ids, args.target, args.dry_run, args.json)
        if args.command == "comment":
            return sync_cmd.comment(ctx, args.alert_id, args.text, args.json)
        if args.command == "close":
            return sync_cmd.close(ctx, args.alert_id, args.children, args.json)
        return sync_cmd.sync(ctx, args.once, args.interval, args.json)
    if args.command == "run":
        from zshield_tui.commands import run_cmd

        return run_cmd.run(ctx, args.interval, args.log_format)
    if args.command == "receive":
        from zshield_tui.commands import receive_cmd

        return receive_cmd.run(ctx, args.listen)
    if args.command == "db":
        from zshield_tui.commands import db_cmd

        if args.action == "migrate":
            return db_cmd.migrate(ctx, args.json)
        if not args.to:
            from zshield_tui.commands.context import UsageError

            raise UsageError("db copy: --to URL is required (the database to copy into)")
        return db_cmd.copy(ctx, args.to, args.json)
    if args.command == "sim":
        from zshield_tui.sim.server import serve

        print(f"zshield sim {args.kind}: http://127.0.0.1:{args.port or _SIM_PORTS[args.kind]}")
        serve(args.kind, args.port or _SIM_PORTS[args.kind])
        return 0
    if args.action == "login":
        from zshield_tui.commands import login_cmd

        return login_cmd.run(ctx, args.target)
    if args.action == "init":
        from zshield_tui.commands import config_init

        return config_init.init(ctx)
    from zshield_tui.commands import config_cmd

    return config_cmd.path(ctx) if args.action == "path" else config_cmd.check(ctx)


if __name__ == "__main__":
    sys.exit(main())
