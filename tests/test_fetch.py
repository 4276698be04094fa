import hashlib
import json
import time
from pathlib import Path

import pytest
from httpserver import Reply

from kbgen.errors import FetchError
from kbgen.inputs.http import Fetcher
from kbgen.paths import default_cache_dir

BODY = b"<api name='libvirt'/>\n"
OTHER_BODY = b"<api name='libvirt' changed='yes'/>\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def warnings() -> list[str]:
    return []


@pytest.fixture
def make_fetcher(tmp_path, warnings):
    fetchers = []

    def make(**options) -> Fetcher:
        options = {"backoff": 0.01, "timeout": 5.0, "progress": False, **options}
        fetcher = Fetcher(tmp_path / "cache", warn=warnings.append, **options)
        fetchers.append(fetcher)
        return fetcher

    yield make
    for fetcher in fetchers:
        fetcher.close()


def cache_files(tmp_path: Path) -> list[str]:
    http_dir = tmp_path / "cache" / "http"
    return sorted(p.name for p in http_dir.iterdir()) if http_dir.exists() else []


def test_200_stores_the_body_in_the_cache_with_its_metadata(http_server, make_fetcher, tmp_path):
    http_server.route("/api/libvirt-api.xml", Reply(body=BODY, etag='"v1"'))
    url = http_server.url("/api/libvirt-api.xml")

    path = make_fetcher().fetch(url, sha256=sha(BODY))

    url_hash = hashlib.sha256(url.encode()).hexdigest()[:16]
    assert path == tmp_path / "cache" / "http" / f"{url_hash}-libvirt-api.xml"
    assert path.read_bytes() == BODY
    meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
    assert meta == {"url": url, "etag": '"v1"', "last_modified": None, "sha256": sha(BODY)}
    assert cache_files(tmp_path) == sorted([path.name, path.name + ".meta.json"])


def test_second_fetch_is_conditional_and_304_keeps_the_cached_copy(http_server, make_fetcher):
    modified = "Mon, 19 May 2025 10:00:00 GMT"
    http_server.route("/f.xml", Reply(body=BODY, etag='"v1"', last_modified=modified))
    url = http_server.url("/f.xml")
    fetcher = make_fetcher()
    first = fetcher.fetch(url)
    mtime = first.stat().st_mtime_ns

    second = fetcher.fetch(url)

    assert second == first
    assert second.read_bytes() == BODY
    assert second.stat().st_mtime_ns == mtime
    assert http_server.count("/f.xml") == 2
    assert http_server.requests["/f.xml"][0]["If-None-Match"] is None
    assert http_server.requests["/f.xml"][1]["If-None-Match"] == '"v1"'
    assert http_server.requests["/f.xml"][1]["If-Modified-Since"] == modified


def test_changed_file_replaces_the_cached_copy(http_server, make_fetcher):
    http_server.route("/f.xml", Reply(body=BODY), Reply(body=OTHER_BODY))
    fetcher = make_fetcher()
    fetcher.fetch(http_server.url("/f.xml"))

    path = fetcher.fetch(http_server.url("/f.xml"))

    assert path.read_bytes() == OTHER_BODY


def test_404_without_cached_copy_says_the_file_is_gone(http_server, make_fetcher):
    http_server.route("/gone.deb", Reply(status=404))

    with pytest.raises(FetchError, match=r"gone from the server \(HTTP 404\).*data/"):
        make_fetcher().fetch(http_server.url("/gone.deb"))
    assert http_server.count("/gone.deb") == 1


def test_404_with_cached_copy_warns_and_returns_it(http_server, make_fetcher, warnings):
    http_server.route("/pinned.deb", Reply(body=BODY), Reply(status=404))
    fetcher = make_fetcher()
    cached = fetcher.fetch(http_server.url("/pinned.deb"))

    path = fetcher.fetch(http_server.url("/pinned.deb"), sha256=sha(BODY))

    assert path == cached
    assert path.read_bytes() == BODY
    assert len(warnings) == 1
    assert "gone from the server (HTTP 404)" in warnings[0]
    assert f"using the cached copy from {cached}" in warnings[0]


@pytest.mark.parametrize("status", [400, 401, 403, 451])
def test_other_4xx_is_not_retried(http_server, make_fetcher, status):
    http_server.route("/secret", Reply(status=status))

    with pytest.raises(FetchError, match=f"HTTP {status}"):
        make_fetcher(retries=3).fetch(http_server.url("/secret"))
    assert http_server.count("/secret") == 1


def test_500_then_200_is_retried_and_succeeds(http_server, make_fetcher, warnings):
    http_server.route("/f.xml", Reply(status=500), Reply(body=BODY))

    path = make_fetcher(retries=3).fetch(http_server.url("/f.xml"))

    assert path.read_bytes() == BODY
    assert http_server.count("/f.xml") == 2
    assert warnings == []


def test_500_storm_fails_after_exactly_retries_tries(http_server, make_fetcher, tmp_path):
    http_server.route("/f.xml", Reply(status=500))
    url = http_server.url("/f.xml")

    with pytest.raises(FetchError) as raised:
        make_fetcher(retries=4).fetch(url)

    assert http_server.count("/f.xml") == 4
    message = str(raised.value)
    assert url in message and "HTTP 500" in message and "after 4 tries" in message
    assert cache_files(tmp_path) == []


def test_backoff_doubles_between_tries(http_server, make_fetcher):
    http_server.route("/f.xml", Reply(status=503))

    start = time.monotonic()
    with pytest.raises(FetchError):
        make_fetcher(retries=3, backoff=0.1).fetch(http_server.url("/f.xml"))

    assert time.monotonic() - start >= 0.1 + 0.2


def test_network_failure_with_cached_copy_warns_and_returns_it(http_server, make_fetcher, warnings):
    http_server.route("/f.xml", Reply(body=BODY), Reply(status=502))
    fetcher = make_fetcher(retries=2)
    cached = fetcher.fetch(http_server.url("/f.xml"))

    path = fetcher.fetch(http_server.url("/f.xml"), sha256=sha(BODY))

    assert path == cached
    assert path.read_bytes() == BODY
    assert len(warnings) == 1 and "HTTP 502" in warnings[0] and str(cached) in warnings[0]


def test_network_failure_with_mismatching_cached_copy_fails(http_server, make_fetcher):
    http_server.route("/f.xml", Reply(body=BODY), Reply(status=502))
    fetcher = make_fetcher(retries=1)
    fetcher.fetch(http_server.url("/f.xml"))

    with pytest.raises(FetchError, match="HTTP 502.*expected " + sha(OTHER_BODY)):
        fetcher.fetch(http_server.url("/f.xml"), sha256=sha(OTHER_BODY))


def test_timeout_fails(http_server, make_fetcher):
    http_server.route("/slow.xml", Reply(body=BODY, delay=3.0))
    url = http_server.url("/slow.xml")

    start = time.monotonic()
    with pytest.raises(FetchError, match="timed out") as raised:
        make_fetcher(timeout=0.2, retries=2).fetch(url)

    assert time.monotonic() - start < 2.0
    assert url in str(raised.value) and "after 2 tries" in str(raised.value)
    assert http_server.count("/slow.xml") == 2


def test_truncated_body_fails_and_leaves_no_file(http_server, make_fetcher, tmp_path):
    http_server.route("/big.deb", Reply(body=BODY, content_length=len(BODY) + 1000))

    with pytest.raises(FetchError, match="after 2 tries"):
        make_fetcher(retries=2).fetch(http_server.url("/big.deb"))

    assert http_server.count("/big.deb") == 2
    assert cache_files(tmp_path) == []


def test_checksum_mismatch_fails_and_keeps_the_cached_copy(http_server, make_fetcher, tmp_path):
    http_server.route("/f.deb", Reply(body=BODY), Reply(body=OTHER_BODY))
    url = http_server.url("/f.deb")
    fetcher = make_fetcher()
    cached = fetcher.fetch(url, sha256=sha(BODY))
    files_before = cache_files(tmp_path)

    with pytest.raises(FetchError) as raised:
        fetcher.fetch(url, sha256=sha(BODY))

    message = str(raised.value)
    assert url in message and sha(BODY) in message and sha(OTHER_BODY) in message
    assert cached.read_bytes() == BODY
    assert cache_files(tmp_path) == files_before
    assert http_server.count("/f.deb") == 2


def test_checksum_is_not_case_sensitive(http_server, make_fetcher):
    http_server.route("/f.deb", Reply(body=BODY))

    path = make_fetcher().fetch(http_server.url("/f.deb"), sha256=sha(BODY).upper())

    assert path.read_bytes() == BODY


def test_offline_returns_the_cached_copy_without_a_request(http_server, make_fetcher):
    http_server.route("/f.xml", Reply(body=BODY))
    cached = make_fetcher().fetch(http_server.url("/f.xml"))
    requests_before = http_server.count("/f.xml")

    path = make_fetcher(offline=True).fetch(http_server.url("/f.xml"), sha256=sha(BODY))

    assert path == cached
    assert path.read_bytes() == BODY
    assert http_server.count("/f.xml") - requests_before == 0


def test_offline_without_cached_copy_fails_and_mentions_offline(http_server, make_fetcher):
    http_server.route("/f.xml", Reply(body=BODY))
    url = http_server.url("/f.xml")

    with pytest.raises(FetchError, match="--offline") as raised:
        make_fetcher(offline=True).fetch(url)

    assert f"not in the cache (offline): {url}" in str(raised.value)
    assert http_server.count("/f.xml") == 0


def test_offline_verifies_the_cached_copy(http_server, make_fetcher):
    http_server.route("/f.xml", Reply(body=BODY))
    make_fetcher().fetch(http_server.url("/f.xml"))

    with pytest.raises(FetchError, match=f"expected {sha(OTHER_BODY)}"):
        make_fetcher(offline=True).fetch(http_server.url("/f.xml"), sha256=sha(OTHER_BODY))


def test_connection_refused_fails(refused_url, make_fetcher):
    with pytest.raises(FetchError, match="after 2 tries") as raised:
        make_fetcher(retries=2).fetch(refused_url)

    assert refused_url in str(raised.value)
    assert "refused" in str(raised.value).lower()


def test_progress_writes_one_line_to_stderr(http_server, make_fetcher, capsys):
    body = bytes(200_000)
    http_server.route("/big.deb", Reply(body=body))

    make_fetcher(progress=True).fetch(http_server.url("/big.deb"))

    err = capsys.readouterr().err
    assert err.startswith("\r") and err.endswith("\n") and err.count("\n") == 1
    assert err.count("\r") >= 2, "the line is drawn while downloading, not only at the end"
    assert "big.deb" in err and "-big.deb" not in err
    assert err.rstrip("\n").rsplit("\r", 1)[-1].endswith("195.3 KiB / 195.3 KiB  100%")


def test_progress_off_writes_nothing(http_server, make_fetcher, capsys):
    http_server.route("/f.xml", Reply(body=BODY))

    make_fetcher(progress=False).fetch(http_server.url("/f.xml"))

    assert capsys.readouterr().err == ""


def test_cache_write_failure_is_a_fetch_error(http_server, tmp_path):
    http_server.route("/f.xml", Reply(body=BODY))
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")

    with Fetcher(blocker, progress=False) as fetcher, pytest.raises(FetchError, match="cache"):
        fetcher.fetch(http_server.url("/f.xml"))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"KBGEN_CACHE_DIR": "/c/kb", "XDG_CACHE_HOME": "/x"}, Path("/c/kb")),
        ({"XDG_CACHE_HOME": "/x"}, Path("/x/kbgen")),
        ({"XDG_CACHE_HOME": "relative"}, Path("/home/u/.cache/kbgen")),
        ({}, Path("/home/u/.cache/kbgen")),
    ],
)
def test_default_cache_dir(monkeypatch, env, expected):
    for name in ("KBGEN_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", "/home/u")

    assert default_cache_dir() == expected
