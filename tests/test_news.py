"""news.html: every libvirt release with its date, from the release headings only."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES

from kbgen.errors import InputError
from kbgen.parse.news import ReleaseDate, parse_news


def test_the_release_headings_with_their_dates():
    releases = parse_news(FIXTURES / "release-new" / "news.html")
    assert releases[0] == ReleaseDate("12.8.0", "2026-10-01")
    assert releases[-1] == ReleaseDate("0.0.1", "2005-12-19")
    assert ReleaseDate("0.9.10", "2012-02-13") in releases and len(releases) == 17


def test_a_release_named_in_prose_is_not_a_heading(tmp_path):
    page = tmp_path / "news.html"
    page.write_text('<h1>x</h1><p>see <a href="#v1">v1.0.0 (2013-01-01)</a></p><h2>v1.0.1 (2013-01-14)</h2>')
    assert parse_news(page) == [ReleaseDate("1.0.1", "2013-01-14")]


@pytest.mark.parametrize("body, message", [
    ("", "empty file, expected libvirt's news.html"),
    ("<h1>libvirt releases</h1><p>nothing</p>", "no release headings 'vX.Y.Z (YYYY-MM-DD)'"),
    ("<h2>v1.0.0 (2013-13-01)</h2>", "v1.0.0: 2013-13-01 is not a date"),
    ("<h2>v1.0 (2013-01-01)</h2>", "heading version '1.0' is not a libvirt version"),
    ("<h2>v1.0.0 (2013-01-01)</h2><h2>v1.0.0 (2013-02-01)</h2>", "v1.0.0 is listed twice, with dates 2013-01-01 and 2013-02-01"),
    ("\x00\xff\xfe garbage", "no release headings"),
])
def test_a_page_that_is_not_news_html_is_refused(tmp_path, body, message):
    page = tmp_path / "news.html"
    page.write_bytes(body.encode("latin-1"))
    with pytest.raises(InputError, match=re.escape(message)) as err:
        parse_news(page)
    assert str(page) in str(err.value)
