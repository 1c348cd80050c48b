"""`python -m trainer` is the same as the `levelvoice` command."""

from trainer.cli import main

if __name__ == "__main__":
    main()
