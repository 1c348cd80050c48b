"""The `levelvoice` command.

Subcommands live in their own modules and are imported only when used, so
`levelvoice` (the TUI) starts without loading audio or analysis libraries.
Every expected error is a `TrainerError`, printed as one line on stderr.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
import traceback

import click

from trainer.errors import TrainerError

# command name -> "module:function", imported on first use
COMMANDS = {
    "analyze": "trainer.cli.analyze:analyze",
    "bench": "trainer.cli.bench:bench",
    "bench-audio": "trainer.cli.bench_audio:bench_audio",
    "calibrate": "trainer.cli.calibrate:calibrate",
    "config": "trainer.cli.config:config",
    "devices": "trainer.cli.devices:devices",
    "doctor": "trainer.cli.doctor:doctor",
    "drills": "trainer.cli.drills:drills",
    "export": "trainer.cli.export:export",
    "purge": "trainer.cli.purge:purge",
    "report": "trainer.cli.report:report",
    "stats": "trainer.cli.stats:stats",
    "take": "trainer.cli.take:take",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module_name, attr = COMMANDS[name].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """A typo gets the closest command suggested: "No such command 'stat'. Did you mean 'stats'?"."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint}")
        return super().resolve_command(ctx, args)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from trainer.cli.version import version_text

    click.echo(version_text())
    ctx.exit()


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version, the transcription model and the data folder, then exit.")
@click.option("--debug", is_flag=True, help="Show full error details (tracebacks) for bug reports.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Level Voice: practise a level, engaged voice against difficult client clips.

    Run without a command to open the practice app.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        from trainer.tui import launch

        launch()


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("LEVELVOICE_DEBUG") == "1"


def _say(message: str) -> None:
    click.echo(f"levelvoice: {message}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one readable line and an exit status."""
    argv = sys.argv[1:] if argv is None else argv
    os.umask(0o077)  # everything Level Voice writes is private to this user
    debug = _debug_requested(argv)
    try:
        status = cli.main(args=argv, prog_name="levelvoice", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt) as stopped:  # Ctrl+C outside a take (see cli/interrupts.py)
        _say("stopped.")
        sys.exit(getattr(stopped, "exit_code", 130))
    except TrainerError as err:
        if debug:
            traceback.print_exc()
        _say(str(err))
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as err:  # a bug: say so plainly, keep the details for a report
        if debug:
            traceback.print_exc()
        _say(f"unexpected error: {type(err).__name__}: {err}. Run again with --debug and report what it prints.")
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
