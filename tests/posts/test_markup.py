"""The inline-markup sanitiser PubMed titles and abstracts go through (strings only)."""

import pytest

from posts.markup import ALLOWED_TAGS, plain_text, sanitize_inline


@pytest.mark.parametrize("tag", sorted(ALLOWED_TAGS))
def test_every_allowed_inline_tag_is_kept(tag):
    assert sanitize_inline(f"a <{tag}>b</{tag}> c") == f"a <{tag}>b</{tag}> c"


def test_the_allowed_tags_are_exactly_the_inline_ones_pubmed_uses():
    assert {"i", "b", "u", "sup", "sub", "em", "strong"} == ALLOWED_TAGS


@pytest.mark.parametrize(
    "fragment",
    [
        "<i onmouseover=alert(1)>x</i>",
        '<i onmouseover="alert(1)">x</i>',
        "<i onmouseover='alert(1)'>x</i>",
        '<b style="color:red">x</b>',
        '<sup class="evil">x</sup>',
        '<sub id="a" title="b" lang="en">x</sub>',
        '<em data-x="1">x</em>',
        "<strong hidden>x</strong>",
        '<u ONMOUSEOVER="alert(1)">x</u>',
        "<I OnMouseOver=alert(1)>x</I>",
        '<i onclick="&#97;lert(1)">x</i>',
        '<i title="&quot;><script>alert(1)</script>">x</i>',
        '<i/onmouseover="alert(1)">x</i>',
        "<i\tonfocus=alert(1) autofocus tabindex=0>x</i>",
        '<i\nstyle="background:url(javascript:alert(1))">x</i>',
        "<i class=a class=b>x</i>",
        '<i x="<b>">x</i>',
    ],
)
def test_no_attribute_of_any_kind_survives_on_an_allowed_tag(fragment):
    cleaned = sanitize_inline(fragment)
    tag = cleaned[1 : cleaned.index(">")]
    assert tag in ALLOWED_TAGS  # the tag itself is kept, bare
    assert cleaned == f"<{tag}>x</{tag}>"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<script>alert(1)</script>", "alert(1)"),
        ('<img src=x onerror="alert(1)">', ""),
        ('<a href="javascript:alert(1)">link</a>', "link"),
        ("<div><p>para</p></div>", "para"),
        ("<br/>line<br>", "line"),
        ("<math><mi>x</mi></math>", "x"),
        ("<!-- a comment -->text", "text"),
    ],
)
def test_other_tags_are_dropped_and_their_text_kept(fragment, expected):
    assert sanitize_inline(fragment) == expected


def test_text_is_escaped_whatever_it_holds():
    assert sanitize_inline("p < 0.05 & q > 1") == "p &lt; 0.05 &amp; q &gt; 1"


def test_entities_are_decoded_then_escaped_again_never_turned_into_markup():
    assert sanitize_inline("&lt;script&gt;alert(1)&lt;/script&gt;") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert sanitize_inline("fran&#xe7;ais &amp; co") == "français &amp; co"


def test_quotes_in_text_stay_as_typed():
    assert sanitize_inline("the \"so-called\" 'gold standard'") == (
        "the \"so-called\" 'gold standard'"
    )


def test_a_tag_left_open_is_closed_at_the_end():
    assert sanitize_inline("<i>in vivo") == "<i>in vivo</i>"
    assert sanitize_inline("<b><i>x") == "<b><i>x</i></b>"


def test_closing_an_outer_tag_closes_the_inner_ones_first():
    assert sanitize_inline("<b><i>x</b> y</i>") == "<b><i>x</i></b> y"


def test_a_closing_tag_that_was_never_opened_is_dropped():
    assert sanitize_inline("x</i> y</script>") == "x y"


def test_an_inner_close_leaves_the_outer_tag_open():
    assert sanitize_inline("<b><i>x</i> y</b>") == "<b><i>x</i> y</b>"


def test_self_closing_tags_are_dropped_even_allowed_ones():
    assert sanitize_inline("a<i/>b<br/>c") == "abc"


def test_an_unfinished_tag_at_the_end_is_not_kept_as_markup():
    cleaned = sanitize_inline("x <i onmouseover=alert(1)")
    assert "<i" not in cleaned


def test_an_empty_fragment_is_empty():
    assert sanitize_inline("") == ""
    assert sanitize_inline(None) == ""


def test_the_sanitiser_is_idempotent():
    once = sanitize_inline('<i class="x">a &amp; b</i> <script>c</script> &lt;d&gt;')
    assert sanitize_inline(once) == once


def test_plain_text_drops_every_tag_and_decodes_entities():
    assert plain_text("<i>in vivo</i> &amp; <b>x</b> &lt;3") == "in vivo & x <3"


def test_plain_text_of_text_without_markup_is_itself():
    assert plain_text("no markup here") == "no markup here"
    assert plain_text("") == ""
    assert plain_text(None) == ""


def test_plain_text_keeps_a_lone_ampersand_or_angle_bracket_text():
    assert plain_text("a & b") == "a & b"
    assert plain_text("1 < 2") == "1 < 2"


def test_plain_text_keeps_text_cut_short_at_the_end():
    assert plain_text("<i>x</i> tail") == "x tail"


def test_plain_text_decodes_entities_in_text_without_tags():
    assert plain_text("Smith &amp; Jones &gt; 2") == "Smith & Jones > 2"
