"""The one error type kbgen raises for problems a user can act on."""


class KbgenError(Exception):
    """A problem with an input, the network, the cache or the database.

    The message names the file or URL and says what is wrong; the CLI prints it
    without a traceback and exits with status 2.
    """


class InputError(KbgenError):
    """An input file is malformed: not what its name says it is."""

    def __init__(self, path, message: str):
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


class FetchError(KbgenError):
    """A download failed, or a file is missing from the cache in offline mode."""
