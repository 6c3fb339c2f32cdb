"""Rendering comment text: plain text in, escaped HTML with links out."""

import pytest

from posts.comment_text import mentioned_usernames, normalise, profile_lookup, render


def members(*names):
    known = {name.lower(): name for name in names}

    def profile_url(name):
        username = known.get(name.lower())
        return f"/members/{username}/" if username else None

    return profile_url


def r(text, *names):
    return render(text, profile_url=members(*names))


def test_plain_text_becomes_one_paragraph():
    assert r("Nice review.") == "<p>Nice review.</p>"


def test_blank_lines_separate_paragraphs_and_single_breaks_are_kept():
    assert r("First.\r\n\r\nSecond\nline.") == "<p>First.</p><p>Second<br>line.</p>"


def test_more_than_one_blank_line_is_one_paragraph_break():
    assert r("a\n\n\n\n  \nb") == "<p>a</p><p>b</p>"


def test_markup_is_escaped():
    assert r("<b>bold</b> & <i>") == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;</p>"


def test_urls_become_links_marked_user_generated():
    html = r("See https://pubs.rsna.org/doi/10.1148/rg.276075023 for more.")

    assert html == (
        '<p>See <a href="https://pubs.rsna.org/doi/10.1148/rg.276075023" '
        'rel="nofollow ugc noopener">https://pubs.rsna.org/doi/10.1148/rg.276075023</a>'
        " for more.</p>"
    )


def test_sentence_punctuation_after_a_url_stays_outside_the_link():
    assert r("Read https://example.org/a.").endswith('">https://example.org/a</a>.</p>')
    assert r("(https://example.org/a)").endswith("</a>)</p>")


def test_balanced_brackets_inside_a_url_stay_in_it():
    html = r("https://en.wikipedia.org/wiki/Spine_(anatomy)")

    assert 'href="https://en.wikipedia.org/wiki/Spine_(anatomy)"' in html


def test_www_addresses_are_linked_over_https():
    assert 'href="https://www.rsna.org"' in r("www.rsna.org")


def test_ampersands_and_quotes_in_urls_are_escaped():
    html = r('https://example.org/?a=1&b="2"')

    assert 'href="https://example.org/?a=1&amp;b="' in html
    assert "&quot;2&quot;" in html


def test_mentions_of_members_link_to_their_profile():
    assert r("Thanks @ana!", "ana") == (
        '<p>Thanks <a class="mention" href="/members/ana/">@ana</a>!</p>'
    )


def test_mentions_match_usernames_in_any_case_and_link_the_real_one():
    assert 'href="/members/AnaOrtiz/">@anaortiz</a>' in r("@anaortiz", "AnaOrtiz")


def test_mentions_of_unknown_names_stay_text():
    assert r("@nobody here", "ana") == "<p>@nobody here</p>"


def test_email_addresses_are_not_mentions():
    assert r("write to ana@example.org", "example") == "<p>write to ana@example.org</p>"


def test_a_mention_ends_before_trailing_punctuation():
    assert r("@ana.", "ana") == '<p><a class="mention" href="/members/ana/">@ana</a>.</p>'


def test_a_mention_inside_a_url_is_part_of_the_url():
    html = r("https://social.example/@ana", "ana")

    assert 'class="mention"' not in html
    assert 'href="https://social.example/@ana"' in html


def test_mentioned_usernames_are_found_once_each_outside_urls():
    text = "@ana @Ana and @bob.smith, ana@x.org https://x.org/@carl"

    assert mentioned_usernames(text) == ["ana", "bob.smith"]


def test_normalise_strips_control_characters_and_surrounding_space():
    assert normalise("  \x00hi\x07\r\nthere\x7f\t ") == "hi\nthere"


def test_empty_text_renders_nothing():
    assert r("   \n\n ") == ""


def test_long_urls_are_shortened_in_the_text_but_not_in_the_link():
    url = "https://example.org/" + "a" * 200

    html = r(url)

    assert f'href="{url}"' in html
    assert "…</a>" in html


# The XSS corpus: every entry must come out inert (no tag, attribute or scheme of its own).
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '"><svg onload=alert(1)>',
    "<iframe src=//evil.example>",
    "<scr<script>ipt>alert(1)</script>",
    "<b onmouseover=alert(1)>hover",
    "<!--<script>-->alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>alert(1)</script>",
    "https://example.org/'onfocus='alert(1)",
    "http://javascript:alert(1)",
    "@<script>alert(1)</script>",
    "@ana<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>body{display:none}</style>",
    "<<a href=javascript:alert(1)>x",
]


@pytest.mark.parametrize("attack", XSS)
def test_the_xss_corpus_renders_inert(attack):
    html = r(attack, "ana")

    without_our_tags = (
        html.replace("<p>", "")
        .replace("</p>", "")
        .replace("<br>", "")
        .replace("</a>", "")
        .replace('<a class="mention" href="/members/ana/">', "")
    )
    # Our own links are the only tags; each is rebuilt from an http(s) URL we escaped.
    while '<a href="http' in without_our_tags:
        start = without_our_tags.index('<a href="http')
        end = without_our_tags.index(">", start)
        anchor = without_our_tags[start : end + 1]
        assert anchor.endswith(' rel="nofollow ugc noopener">')
        assert '"' not in anchor[len('<a href="') : anchor.index('" rel=')]
        without_our_tags = without_our_tags[:start] + without_our_tags[end + 1 :]
    assert "<" not in without_our_tags
    assert 'href="javascript' not in html.lower()
    assert 'href="data' not in html.lower()


def test_an_old_mac_line_break_is_a_line_break():
    assert r("first\rsecond") == "<p>first<br>second</p>"


def test_control_characters_are_dropped_but_tabs_kept():
    assert normalise("a\x00b\x07c\x7fd\te") == "abcd\te"


def test_an_http_link_keeps_its_scheme():
    assert r("http://example.org/x").startswith('<p><a href="http://example.org/x" ')
    assert r("HTTP://example.org/x").startswith('<p><a href="HTTP://example.org/x" ')


def test_a_url_ending_in_any_letter_is_linked_whole():
    assert 'href="https://example.org/QX"' in r("https://example.org/QX")


def test_a_url_of_eighty_characters_is_shown_whole():
    url = "https://example.org/" + "a" * 60
    assert len(url) == 80

    assert f">{url}</a>" in r(url)


def test_a_longer_url_is_shown_cut_to_eighty_characters_with_an_ellipsis():
    url = "https://example.org/" + "a" * 61

    html = r(url)

    assert f'href="{url}"' in html
    assert f">{url[:79]}…</a>" in html


def test_profile_lookup_links_existing_members_whatever_the_case():
    lookup = profile_lookup({"alice": "Alice"}, lambda username: f"/members/{username}/")

    assert lookup("ALICE") == "/members/Alice/"
    assert lookup("alice") == "/members/Alice/"
    assert lookup("bob") is None
