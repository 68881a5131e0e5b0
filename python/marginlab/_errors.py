"""marginlab's error classes, for code that must also run without the compiled extension.

With the extension marginlab._core importable, these are its classes (so `except
marginlab.Error` catches what the report side raises, and marginlab.InputError is one class
everywhere). Without it (`marginlab report` runs the report side with only numpy and
matplotlib), they are plain Python classes with the same names and bases: Error (a
RuntimeError) and its subclasses InputError (also a ValueError), FailedRunError,
UnavailableError, InternalError.
"""

try:
    from ._core import Error, FailedRunError, InputError, InternalError, UnavailableError
    HAVE_EXTENSION = True
except ImportError:
    HAVE_EXTENSION = False

    class Error(RuntimeError):
        """Base class of marginlab's errors (the extension is not built here)."""

    class InputError(Error, ValueError):
        """Bad input the user can fix; the message names the file, field or argument."""

    class FailedRunError(Error):
        """A run that failed on valid input (a diverged run)."""

    class UnavailableError(Error):
        """A backend this build does not contain."""

    class InternalError(Error):
        """A broken internal invariant (a bug)."""

__all__ = ["Error", "InputError", "FailedRunError", "UnavailableError", "InternalError", "HAVE_EXTENSION"]
