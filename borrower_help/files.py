"""Where the project's files are, and private files for secrets and data.

var/ holds secrets, databases and logs. It is created readable by its owner
only, and files in it are created with owner-only permissions from the first
byte (never written first and chmod-ed after), so another local user never
gets a window to read them.
"""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
VAR = pathlib.Path(os.environ.get("BORROWER_HELP_VAR") or ROOT / "var")


def private_dir(path: pathlib.Path = VAR) -> pathlib.Path:
    """`path` as a directory only its owner can enter (created if missing)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def create_private(path: pathlib.Path, text: str) -> bool:
    """Write `text` to a new file readable by its owner only; False when the
    file already exists (another process was first: keep theirs)."""
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return True


def open_private_log(path: pathlib.Path):
    """A log file to append to, owner-only (logs quote borrowers, masked)."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(descriptor, "a", buffering=1)
