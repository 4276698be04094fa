"""Versions as users paste them, and where a version lies among the dated releases."""

import pytest

from kbgen.answers.known_releases import KnownReleases
from kbgen.render.bounds import bound_text, dated_text
from kbgen.versions import release_version, version_key

DATED = KnownReleases([(v, version_key(v), d) for v, d in (
    ("0.9.4", "2011-08-03"), ("0.9.10", "2012-02-13"), ("0.9.11", "2012-04-03"), ("0.9.13", "2012-07-02"),
    ("0.10.0", "2012-08-29"), ("7.0.0", "2021-01-15"), ("12.8.0", "2026-10-01"))])


@pytest.mark.parametrize(("given", "version"), [
    ("9.0.0", "9.0.0"), ("v9.0.0", "9.0.0"), ("9.0.0-10.el9_2", "9.0.0"), ("9.0.0-4+deb12u2", "9.0.0"),
    ("11.3.0-1~bpo12+1", "11.3.0"), ("10006000", "10.6.0"), ("9004", "0.9.4"), (" 012.08.0 ", "12.8.0"),
])
def test_release_version_reads_what_users_paste(given, version):
    assert release_version(given) == version


@pytest.mark.parametrize("given", ["", "9.0", "nine", "1.2.3.4", "99999999999", "٩.0.0", "v", "-9.0.0"])
def test_release_version_refuses_what_names_no_release(given):
    with pytest.raises(ValueError, match="not a libvirt version"):
        release_version(given)


def test_a_release_is_placed_among_the_known_ones():
    assert DATED.placed("0.9.10-1", "0.9.10") == {"given": "0.9.10-1", "version": "0.9.10", "date": "2012-02-13",
                                                "status": "released", "newest": "12.8.0", "before": None, "next": None}
    never = DATED.placed("0.9.99", "0.9.99")
    assert (never["status"], never["before"], never["next"], never["date"]) == ("never-released", "0.9.13", "0.10.0", None)
    assert DATED.placed("99.0.0", "99.0.0")["status"] == "after-newest"
    assert KnownReleases([]).placed("9.0.0", "9.0.0")["status"] == "unknown"


def test_a_bound_spans_the_known_releases_inside_it():
    assert DATED.span({"lower": "0.9.4", "after": None, "upper": "7.0.0"}) == 6
    assert DATED.span({"lower": "0.9.4", "after": "0.9.11", "upper": "7.0.0"}) == 3
    assert DATED.span({"lower": None, "after": None, "upper": "7.0.0"}) is None
    assert DATED.span({"lower": "0.9.4", "after": None, "upper": "8.0.0"}) is None


def test_version_objects_are_dated_in_place_and_worded_in_one_place():
    answer = DATED.dated({"since": {"version": "0.9.4", "exact": True},
                          "drivers": [{"since": {"lower": "0.9.10", "after": None, "upper": "0.10.0", "exact": False}}]})
    assert answer["since"]["date"] == "2011-08-03" and dated_text(answer["since"]) == "0.9.4, 2011-08-03"
    assert bound_text(answer["drivers"][0]["since"]) == "between 0.9.10 and 0.10.0 (4 releases)"


def test_the_window_lists_the_releases_after_old_up_to_new():
    assert [r["version"] for r in DATED.window(version_key("0.9.9"), version_key("0.9.11"))] == ["0.9.10", "0.9.11"]


def test_the_binary_searches_agree_with_the_bisect_module():
    import bisect
    import random

    from kbgen.answers.known_releases import bisect_left, bisect_right

    keys = sorted(random.Random(7).sample(range(10**7), 300))
    for key in [*keys, *random.Random(8).sample(range(10**7), 500), -1, 10**8]:
        assert (bisect_left(keys, key), bisect_right(keys, key)) == (bisect.bisect_left(keys, key), bisect.bisect_right(keys, key))
