"""Tests for readr.ids, the one arXiv identifier parser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readr.record import FrozenInstanceError
from readr.ids import (
    OLD_STYLE_ARCHIVES,
    ArxivId,
    InvalidArxivId,
    parse_arxiv_id,
    try_parse_arxiv_id,
)

# --------------------------------------------------------------------------
# bare identifiers from every era


@pytest.mark.parametrize(
    "text, base, version",
    [
        # first and last months of the 4-digit era
        ("0704.0001", "0704.0001", None),
        ("0704.0002", "0704.0002", None),
        ("1412.9999", "1412.9999", None),
        ("0912.1234v3", "0912.1234", 3),
        # 5-digit era
        ("1501.00001", "1501.00001", None),
        ("2202.06709", "2202.06709", None),
        ("2202.06709v2", "2202.06709", 2),
        ("1605.08386v1", "1605.08386", 1),
        ("2412.99999v12", "2412.99999", 12),
        ("2104.12255V1", "2104.12255", 1),
        # old style: first and last months, archives with dashes, subject classes
        ("hep-th/9108001", "hep-th/9108001", None),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("hep-ex/0406020v1", "hep-ex/0406020", 1),
        ("math/0703999", "math/0703999", None),
        ("math.GT/0309136", "math/0309136", None),
        ("math.GT/0309136v2", "math/0309136", 2),
        ("cond-mat.str-el/0601001", "cond-mat/0601001", None),
        ("astro-ph/0601001", "astro-ph/0601001", None),
        ("quant-ph/0201082v1", "quant-ph/0201082", 1),
        ("cs/0503050v1", "cs/0503050", 1),
        ("q-bio/0501001", "q-bio/0501001", None),
        ("HEP-TH/9901001", "hep-th/9901001", None),
        ("acc-phys/9411001", "acc-phys/9411001", None),
        ("alg-geom/9202001", "alg-geom/9202001", None),
        ("chao-dyn/9912001", "chao-dyn/9912001", None),
        # arXiv writes a new-style number with the width of its era
        ("1501.0001", "1501.00001", None),
        ("2202.0670", "2202.00670", None),
        ("1412.00001", "1412.0001", None),
        ("0704.00001v2", "0704.0001", 2),
        # arXiv's first months (its parser takes all of 1991) and a hyphen left out
        ("hep-th/9101001", "hep-th/9101001", None),
        ("hepth/9901001", "hep-th/9901001", None),
        ("condmat/0601001v2", "cond-mat/0601001", 2),
        ("hep--th/9901001", "hep-th/9901001", None),
        # whitespace trimmed
        ("  2202.06709 \n", "2202.06709", None),
        ("\t0704.0001v1\t", "0704.0001", 1),
    ],
)
def test_bare_ids(text, base, version):
    parsed = parse_arxiv_id(text)
    assert parsed == ArxivId(base, version)
    assert parsed.base == base
    assert parsed.version == version


@pytest.mark.parametrize("archive", sorted(OLD_STYLE_ARCHIVES))
def test_every_known_archive(archive):
    assert parse_arxiv_id(f"{archive}/0001001v1") == ArxivId(f"{archive}/0001001", 1)


@pytest.mark.parametrize(
    "text, reason_part",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1413.0001", "month 13 is not a month"),
        ("1400.0001", "month 00 is not a month"),
        ("0612.1234", "start at 0704"),
        ("0703.0001", "start at 0704"),
        ("0000.0000", "month 00"),
        ("0704.0000", "paper numbers start at 1"),
        ("2202.123", "not 4 or 5"),
        ("2202.123456", "not 4 or 5"),
        ("hep-th/0704001", "old-style ids end at 0703"),
        ("hep-th/9012001", "old-style ids end at 0703"),
        ("1412.12345", "5-digit numbers start at 1501"),
        ("2202.06709v01", "leading 0"),
        ("//hep-th/9901001", "not of the form"),
        ("hep-th/9913001", "month 13 is not a month"),
        ("hep-th/990100", "7 digits"),
        ("hep-th/99010011", "7 digits"),
        ("hep-th/9901000", "paper numbers start at 001"),
        ("foo-bar/9901001", "unknown archive 'foo-bar'"),
        ("stat/0601001", "unknown archive"),
        ("2202.06709v0", "versions start at v1"),
        ("2202.06709v", "version suffix without a number"),
        ("2202.06709v123456", "version number is too long"),
        ("220206709", "missing the '.'"),
        ("abc", "not of the form"),
        ("2202 .06709", "contains whitespace"),
        ("arXiv:", "empty"),
        ("２２０２.０６７０９", "not of the form"),  # full-width digits are not ids
    ],
)
def test_rejected_with_reason(text, reason_part):
    with pytest.raises(InvalidArxivId) as info:
        parse_arxiv_id(text)
    message = str(info.value)
    assert reason_part in message
    assert "\n" not in message
    assert info.value.reason in message
    assert try_parse_arxiv_id(text) is None


# --------------------------------------------------------------------------
# prefixes, URLs, DOIs


@pytest.mark.parametrize(
    "text, expected",
    [
        ("arXiv:2202.06709", "2202.06709"),
        ("arxiv:2202.06709v2", "2202.06709v2"),
        ("ARXIV:hep-th/9901001", "hep-th/9901001"),
        ("ArXiv: 2202.06709", "2202.06709"),
        ("oai:arXiv.org:2202.06709", "2202.06709"),
        ("oai:arXiv.org:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/2202.06709", "2202.06709"),
        ("http://arxiv.org/abs/2202.06709v2", "2202.06709v2"),
        ("https://www.arxiv.org/abs/2202.06709", "2202.06709"),
        ("https://export.arxiv.org/abs/2202.06709", "2202.06709"),
        ("https://arxiv.org/abs/2202.06709/", "2202.06709"),
        ("https://arxiv.org/abs/2202.06709?context=cs", "2202.06709"),
        ("https://arxiv.org/abs/2202.06709#S2", "2202.06709"),
        ("https://arxiv.org/abs/2202.06709v1?x=1#frag", "2202.06709v1"),
        ("https://arxiv.org/pdf/2202.06709", "2202.06709"),
        ("https://arxiv.org/pdf/2202.06709.pdf", "2202.06709"),
        ("https://arxiv.org/pdf/2202.06709v3.pdf", "2202.06709v3"),
        ("http://export.arxiv.org/pdf/2202.06709v3", "2202.06709v3"),
        ("https://arxiv.org/pdf/2202.06709v3/", "2202.06709v3"),
        ("https://arxiv.org/html/2202.06709v1", "2202.06709v1"),
        ("https://arxiv.org/html/2202.06709v1/", "2202.06709v1"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/pdf/hep-th/9901001v1.pdf", "hep-th/9901001v1"),
        ("https://arxiv.org/abs/math.GT/0309136", "math/0309136"),
        ("http://arxiv.org/abs/cond-mat/0607501v2", "cond-mat/0607501v2"),
        ("HTTPS://ARXIV.ORG/abs/2202.06709", "2202.06709"),
        ("arxiv.org/abs/2202.06709", "2202.06709"),
        ("  https://arxiv.org/abs/0704.0001  ", "0704.0001"),
        # DOIs
        ("10.48550/arXiv.2202.01037", "2202.01037"),
        ("10.48550/ARXIV.2202.01037", "2202.01037"),
        ("doi:10.48550/arXiv.2202.01037", "2202.01037"),
        ("DOI:10.48550/arXiv.2202.01037", "2202.01037"),
        ("https://doi.org/10.48550/arXiv.2202.01037", "2202.01037"),
        ("http://dx.doi.org/10.48550/arXiv.2202.01037", "2202.01037"),
        ("https://doi.org/10.48550%2FarXiv.2202.01037", "2202.01037"),
        ("10.48550/arXiv.hep-th/9901001", "hep-th/9901001"),
    ],
)
def test_prefixes_urls_and_dois(text, expected):
    assert str(parse_arxiv_id(text)) == expected


@pytest.mark.parametrize(
    "text, reason_part",
    [
        ("https://example.org/abs/2202.06709", "not an arXiv URL"),
        ("https://arxiv.org.evil.com/abs/2202.06709", "not an arXiv URL"),
        ("https://user@arxiv.org/abs/2202.06709", "not an arXiv URL"),
        ("ftp://arxiv.org/abs/2202.06709", "not an arXiv URL"),
        ("javascript://arxiv.org/abs/2202.06709", "not an arXiv URL"),
        ("https://arxiv.org/list/hep-th/new", "not an arXiv URL of a paper"),
        ("https://arxiv.org/", "without a paper id"),
        ("https://arxiv.org/abs/", "without a paper id"),
        ("https://arxiv.org/abs/1413.0001", "month 13"),
        ("https://doi.org/10.1103/PhysRevD.76.013009", "not an arXiv DOI"),
        ("10.1103/PhysRevD.76.013009", "not an arXiv DOI"),
        ("10.48550/arXiv.2202.01037v2", "arXiv DOIs carry no version"),
        ("doi:", "not a DOI"),
        ("oai:arXiv.org:", "empty"),
    ],
)
def test_rejected_urls_and_dois(text, reason_part):
    with pytest.raises(InvalidArxivId) as info:
        parse_arxiv_id(text)
    assert reason_part in str(info.value)


def test_urls_and_str():
    new = parse_arxiv_id("2202.06709v2")
    assert str(new) == "2202.06709v2"
    assert new.abs_url == "https://arxiv.org/abs/2202.06709v2"
    assert new.pdf_url == "https://arxiv.org/pdf/2202.06709v2"
    old = parse_arxiv_id("math.GT/0309136")
    assert str(old) == "math/0309136"
    assert old.abs_url == "https://arxiv.org/abs/math/0309136"
    assert old.pdf_url == "https://arxiv.org/pdf/math/0309136"


def test_ids_are_hashable_values():
    a = parse_arxiv_id("arXiv:2202.06709")
    b = parse_arxiv_id("https://arxiv.org/abs/2202.06709")
    assert a == b and hash(a) == hash(b)
    assert a != parse_arxiv_id("2202.06709v1")
    with pytest.raises(FrozenInstanceError):
        a.base = "x"


def test_invalid_is_a_value_error_and_non_str_input():
    assert issubclass(InvalidArxivId, ValueError)
    with pytest.raises(InvalidArxivId):
        parse_arxiv_id(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArxivId):
        parse_arxiv_id(2202.06709)  # type: ignore[arg-type]


def test_control_characters_in_input_give_a_one_line_message():
    with pytest.raises(InvalidArxivId) as info:
        parse_arxiv_id("\x1b]52;c;aGk=\x07\n2202.06709")
    assert "\n" not in str(info.value)
    assert "\x1b" not in str(info.value)


# --------------------------------------------------------------------------
# properties

_new4 = st.builds(
    lambda y, m, n: f"{y:02d}{m:02d}.{n:04d}",
    st.integers(7, 14),
    st.integers(1, 12),
    st.integers(1, 9999),
).filter(lambda s: "0704" <= s[:4] <= "1412")
_new5 = st.builds(
    lambda y, m, n: f"{y:02d}{m:02d}.{n:05d}",
    st.integers(15, 99),
    st.integers(1, 12),
    st.integers(1, 99999),
)
_old = st.builds(
    lambda a, ym, n, sc: f"{a}{sc}/{ym}{n:03d}",
    st.sampled_from(sorted(OLD_STYLE_ARCHIVES)),
    st.sampled_from(
        [f"{y:02d}{m:02d}" for y in (91, 95, 99, 0, 3, 7) for m in range(1, 13)]
    ).filter(lambda ym: ("19" if ym >= "91" else "20") + ym >= "199108"
             and ("19" if ym >= "91" else "20") + ym <= "200703"),
    st.integers(1, 999),
    st.sampled_from(["", ".GT", ".str-el", ".AI"]),
)
_versions = st.one_of(st.just(""), st.integers(1, 9999).map(lambda v: f"v{v}"))
_valid_ids = st.builds(lambda i, v: i + v, st.one_of(_new4, _new5, _old), _versions)
_wrappers = st.sampled_from(
    [
        "{}",
        "arXiv:{}",
        "oai:arXiv.org:{}",
        "https://arxiv.org/abs/{}",
        "http://export.arxiv.org/abs/{}/",
        "https://arxiv.org/pdf/{}.pdf",
        "https://www.arxiv.org/html/{}?a=b#c",
        "  {}\n",
    ]
)


@given(_valid_ids, _wrappers)
def test_valid_ids_parse_in_every_wrapper_and_round_trip(ident, wrapper):
    parsed = parse_arxiv_id(wrapper.format(ident))
    assert parse_arxiv_id(str(parsed)) == parsed
    assert str(parse_arxiv_id(str(parsed))) == str(parsed)
    assert parse_arxiv_id(parsed.abs_url) == parsed
    assert parse_arxiv_id(parsed.pdf_url) == parsed
    has_subject_class = "/" in ident and "." in ident.split("/")[0]
    if not has_subject_class:
        # the canonical form equals the input unless a subject class was dropped
        assert str(parsed) == ident
    else:
        assert str(parsed) == ident.split(".")[0] + "/" + ident.split("/")[1]


@given(_valid_ids.filter(lambda s: "v" not in s))
def test_dois_round_trip(ident):
    parsed = parse_arxiv_id(f"https://doi.org/10.48550/arXiv.{ident}")
    assert parse_arxiv_id(f"doi:10.48550/arXiv.{parsed}") == parsed


_arxivish = st.text(
    alphabet=st.sampled_from(list("0123456789.v/:-ahtpsxrivgorgbfdmVX ?#%\t\n\x00\x1b")),
    max_size=40,
)


@settings(max_examples=600)
@given(st.one_of(st.text(), _arxivish, st.builds(lambda a, b: a + b, _wrappers.map(lambda w: w.format("")), st.text())))
@example("https://[::1/abs/2202.06709")
@example("http://arxiv.org:abc/abs/2202.06709")
@example("\ud800")
@example("https://doi.org/%")
def test_arbitrary_text_parses_or_raises_invalid(text):
    try:
        parsed = parse_arxiv_id(text)
    except InvalidArxivId as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message
        assert try_parse_arxiv_id(text) is None
        return
    assert isinstance(parsed, ArxivId)
    assert str(parse_arxiv_id(str(parsed))) == str(parsed)
    assert try_parse_arxiv_id(text) == parsed


# --------------------------------------------------------------------------
# the id cases of other projects' test suites (tests/fixtures/arxiv_ids/PROVENANCE.md)

_CASES_FILE = Path(__file__).parent / "fixtures" / "arxiv_ids" / "cases.json"
_CASES = json.loads(_CASES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _CASES, ids=[f"{c['source']}:{c['input']!r}" for c in _CASES])
def test_id_cases_from_other_projects(case):
    parsed = try_parse_arxiv_id(case["input"])
    assert (str(parsed) if parsed else None) == case["readr"]
    if parsed is None:
        with pytest.raises(InvalidArxivId) as info:
            parse_arxiv_id(case["input"])
        assert "\n" not in str(info.value)


def test_id_cases_follow_arxiv_and_explain_every_other_disagreement():
    assert len(_CASES) >= 120
    assert {c["source"] for c in _CASES} >= {"arxiv-browse", "jabref", "zotero", "manubot", "idutils"}
    for case in _CASES:
        assert case["readr"] == case["arxiv"], case
        expected = case["source_expects"]
        # A source that keeps the subject class (math.GT/0309136) names the same paper.
        same_paper = expected == case["arxiv"] or (
            expected is not None and case["arxiv"] is not None
            and re.sub(r"^([a-z-]+)\.[A-Za-z-]+/", r"\1/", expected) == case["arxiv"]
        )
        assert same_paper or case.get("note"), case


@pytest.mark.parametrize(
    "text, expected",
    [
        # the forms of the issue, as arXiv's parser reads them
        ("arXiv:0706.0001v1 [q-bio.CB]", "0706.0001v1"),
        ("arXiv:0706.0001v1 [q-bio.CB] 1 Jun 2007", "0706.0001v1"),
        ("https://arxiv.org/ps/1912.03529v1", "1912.03529v1"),
        ("/hep-th/0702050", "hep-th/0702050"),
        ("hep-th//9901001", "hep-th/9901001"),
        ("hep-th/9901001/extra", "hep-th/9901001"),
        ("physics/0303098/", "physics/0303098"),
        ("hep-th/1601.07616", "1601.07616"),
        ("2202.06709.pdf", "2202.06709"),
        ("https://arxiv.org/format/2202.06709", "2202.06709"),
        ("https://browse.arxiv.org/abs/2202.06709v1", "2202.06709v1"),
        ("http://xxx.lanl.gov/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/html/2202.06709v1/figure1.png", "2202.06709v1"),
    ],
)
def test_forms_people_paste(text, expected):
    assert str(parse_arxiv_id(text)) == expected
