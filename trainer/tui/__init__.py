"""The Textual app. Talks to the layers below only through the session layer."""


def launch() -> None:
    """Start the app (imports Textual only now, so other commands stay fast)."""
    from trainer.tui.app import run

    run()
