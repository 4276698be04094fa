"""What both command-line tools share: exit codes, errors, JSON output, a closed pipe."""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_NOT_FOUND, EXIT_ERROR, EXIT_WOULD_FAIL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command ended by SIGPIPE


def quiet_broken_pipe(main):
    """`kb ... | head` ends quietly, as other command-line tools do (without importing signal)."""

    def run(argv: list[str] | None = None) -> int:
        try:
            code = main(argv)
            sys.stdout.flush()  # a pipe closed early fails here, inside the try, not at interpreter exit
            return code
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE

    return run


def print_json(data) -> None:
    import json

    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_ERROR
