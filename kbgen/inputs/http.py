"""An HTTP cache for raw inputs: conditional GETs, retries, checksums, atomic writes.

A cached copy of a URL lives in ``<cache_dir>/http/`` as
``<first 16 hex digits of sha256(url)>-<url basename>``, beside a sidecar
``.meta.json`` holding the url, the server's ETag and Last-Modified, and the
sha256 of the body.

A download may hold at most MAX_DOWNLOAD_BYTES (the biggest real input, a
libvirt .orig.tar.xz, is about 25 MB), and is stored as the server holds it:
kbgen asks for `Accept-Encoding: identity` and refuses a content-encoded body.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

import requests

from kbgen import __version__
from kbgen.atomic import atomic_write, publish, temp_file
from kbgen.errors import FetchError

CHUNK_SIZE = 64 * 1024
MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024
_DIGITS = re.compile(r"[0-9]+")  # not str.isdigit: that takes "²" and other Unicode digits
GONE_STATUSES = (404, 410)
_TRANSIENT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def _warn_on_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class _Transient(Exception):
    """A failure worth another try: connection error, timeout, 5xx, truncated body."""


class _Gone(Exception):
    """The server says the file no longer exists (404 or 410)."""

    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status = status


class _CacheEntry:
    """The cached copy of one URL and its sidecar metadata."""

    def __init__(self, http_dir: Path, url: str):
        url_hash = hashlib.sha256(url.encode()).hexdigest()[:16]
        self.dir = http_dir
        self.path = http_dir / f"{url_hash}-{_basename(url)}"
        self.meta_path = self.path.with_name(self.path.name + ".meta.json")

    def exists(self) -> bool:
        return self.path.is_file()

    def meta(self) -> dict[str, str]:
        try:
            meta = json.loads(self.meta_path.read_text())
        except (OSError, ValueError):
            return {}
        return meta if isinstance(meta, dict) else {}

    def conditional_headers(self) -> dict[str, str]:
        if not self.exists():
            return {}
        meta = self.meta()
        headers = {}
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        return headers

    def digest(self) -> str:
        return _file_sha256(self.path)

    def write_meta(self, meta: dict[str, str | None]) -> None:
        atomic_write(self.meta_path, json.dumps(meta, indent=2).encode() + b"\n")


class Fetcher:
    """Downloads URLs into a cache directory and hands back verified local copies."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        offline: bool = False,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        progress: bool | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        self.http_dir = Path(cache_dir) / "http"
        self.offline = offline
        self.timeout = timeout
        self.tries = max(1, retries)
        self.backoff = backoff
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.warn = warn or _warn_on_stderr
        self._session = requests.Session()
        self._session.headers["User-Agent"] = f"kbgen/{__version__}"
        # The body on disk must be the bytes the server holds, so no transparent decoding.
        self._session.headers["Accept-Encoding"] = "identity"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, url: str, *, sha256: str | None = None) -> Path:
        """Return the path of a cached, verified copy of url."""
        entry = _CacheEntry(self.http_dir, url)
        expected = sha256.lower() if sha256 else None
        if self.offline:
            return self._offline(url, entry, expected)
        try:
            return self._download_with_retries(url, entry, expected)
        except _Gone as gone:
            return self._after_gone(url, entry, expected, gone.status)
        except _Transient as failure:
            return self._after_network_failure(url, entry, expected, str(failure))

    def _offline(self, url: str, entry: _CacheEntry, expected: str | None) -> Path:
        if not entry.exists():
            raise FetchError(
                f"not in the cache (offline): {url}; run once without --offline to download it"
            )
        return self._verified(url, entry, expected)

    def _after_gone(self, url: str, entry: _CacheEntry, expected: str | None, status: int) -> Path:
        if not entry.exists():
            raise FetchError(
                f"{url} is gone from the server (HTTP {status}) and not in the cache; "
                "update the source manifest in data/ to a file the server still has"
            )
        path = self._verified(url, entry, expected)
        self.warn(
            f"{url} is gone from the server (HTTP {status}); using the cached copy from {path}"
        )
        return path

    def _after_network_failure(
        self, url: str, entry: _CacheEntry, expected: str | None, failure: str
    ) -> Path:
        message = f"cannot download {url}: {failure} (after {self.tries} tries)"
        if not entry.exists():
            raise FetchError(message)
        try:
            path = self._verified(url, entry, expected)
        except FetchError as err:
            raise FetchError(f"{message}; {err}") from None
        self.warn(f"{message}; using the cached copy from {path}")
        return path

    def _download_with_retries(self, url: str, entry: _CacheEntry, expected: str | None) -> Path:
        for attempt in range(self.tries - 1):
            try:
                return self._download(url, entry, expected)
            except _Transient:
                time.sleep(self.backoff * 2**attempt)
        return self._download(url, entry, expected)

    def _download(self, url: str, entry: _CacheEntry, expected: str | None) -> Path:
        try:
            with self._session.get(
                url,
                headers=entry.conditional_headers(),
                stream=True,
                timeout=self.timeout,
            ) as response:
                return self._handle(url, entry, expected, response)
        except _TRANSIENT_ERRORS as err:
            raise _Transient(_describe(err)) from err
        except requests.RequestException as err:
            raise FetchError(f"cannot download {url}: {_describe(err)}") from err
        except OSError as err:
            raise FetchError(f"cannot write to the cache in {entry.dir}: {err}") from err

    def _handle(
        self, url: str, entry: _CacheEntry, expected: str | None, response: requests.Response
    ) -> Path:
        status = response.status_code
        if status == 304 and entry.exists():
            return self._verified(url, entry, expected)
        if status in GONE_STATUSES:
            raise _Gone(status)
        if status >= 500:
            raise _Transient(f"HTTP {status} {response.reason}")
        if status != 200:
            raise FetchError(f"cannot download {url}: HTTP {status} {response.reason}")
        return self._store(url, entry, expected, response)

    def _store(
        self, url: str, entry: _CacheEntry, expected: str | None, response: requests.Response
    ) -> Path:
        total = _declared_size(url, response.headers)
        entry.dir.mkdir(parents=True, exist_ok=True)
        with temp_file(entry.dir) as (out, tmp):
            digest, size = self._copy_body(url, response, out, total)
            # urllib3 2 raises on a short body itself; urllib3 1.26 does not.
            if total is not None and size < total:
                raise _Transient(f"truncated body ({size} of {total} bytes)")
            if expected and digest != expected:
                raise FetchError(
                    f"checksum mismatch for {url}: expected sha256 {expected}, got {digest}"
                )
            publish(out, tmp, entry.path)
        entry.write_meta(
            {
                "url": url,
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
                "sha256": digest,
            }
        )
        return entry.path

    def _copy_body(
        self, url: str, response: requests.Response, out: IO[bytes], total: int | None
    ) -> tuple[str, int]:
        hasher = hashlib.sha256()
        size = 0
        progress = _Progress(_basename(url), total) if self.progress else None
        try:
            for chunk in response.iter_content(CHUNK_SIZE):
                if size + len(chunk) > MAX_DOWNLOAD_BYTES:
                    raise FetchError(f"cannot download {url}: more than the {MAX_DOWNLOAD_BYTES} bytes "
                                     "kbgen downloads per file; refusing it")
                out.write(chunk)
                hasher.update(chunk)
                size += len(chunk)
                if progress:
                    progress.update(size)
        finally:
            if progress:
                progress.finish(size)
        return hasher.hexdigest(), size

    def _verified(self, url: str, entry: _CacheEntry, expected: str | None) -> Path:
        if expected:
            try:
                actual = entry.digest()
            except OSError as err:
                raise FetchError(f"cannot read the cached copy of {url}: {err}") from err
            if actual != expected:
                raise FetchError(
                    f"the cached copy of {url} ({entry.path}) has sha256 {actual}, "
                    f"expected {expected}; delete it to download the file again"
                )
        return entry.path


class _Progress:
    """A one-line progress display on stderr, redrawn in place with \\r."""

    INTERVAL = 0.1

    def __init__(self, label: str, total: int | None):
        self.label = label
        self.total = total
        self.last_draw = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last_draw >= self.INTERVAL:
            self.last_draw = now
            self._draw(done)

    def finish(self, done: int) -> None:
        self._draw(done)
        sys.stderr.write("\n")
        sys.stderr.flush()

    def _draw(self, done: int) -> None:
        line = f"{self.label}  {_human(done)}"
        if self.total:
            line += f" / {_human(self.total)}  {100 * done // self.total:3d}%"
        sys.stderr.write(f"\r{line}")
        sys.stderr.flush()


def _declared_size(url: str, headers) -> int | None:
    """The Content-Length, after refusing what kbgen cannot store as is: an encoded or oversized body."""
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise FetchError(f"cannot download {url}: the server sent it with Content-Encoding {encoding!r} although "
                         "kbgen asked for identity; refusing it")
    declared = headers.get("Content-Length")
    if declared is None:
        return None
    if not _DIGITS.fullmatch(declared.strip()):
        raise FetchError(f"cannot download {url}: invalid Content-Length {declared!r}")
    if int(declared) > MAX_DOWNLOAD_BYTES:
        raise FetchError(f"cannot download {url}: it is {int(declared)} bytes (Content-Length), more than the "
                         f"{MAX_DOWNLOAD_BYTES} kbgen downloads per file; refusing it")
    return int(declared)


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    scaled = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        scaled /= 1024
        if scaled < 1024 or unit == "GiB":
            break
    return f"{scaled:.1f} {unit}"


def _basename(url: str) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return re.sub(r"[^A-Za-z0-9._+~-]", "_", name) or "index"


def _describe(err: BaseException) -> str:
    """The innermost cause of a requests/urllib3 exception, which says what went wrong."""
    while True:
        inner = getattr(err, "reason", None)
        if not isinstance(inner, BaseException) and err.args:
            inner = err.args[0]
        if isinstance(inner, str):
            return inner
        if not isinstance(inner, BaseException):
            return str(err) or type(err).__name__
        err = inner


def _file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_SIZE), b""):
            hasher.update(chunk)
    return hasher.hexdigest()
