"""Slack markup helpers: escaping, safe links, reading a person's text, splitting."""

from __future__ import annotations

from bot.slack import mrkdwn


def test_escape_neutralises_slack_control_sequences() -> None:
    hostile = "<!channel> <@U123> <https://evil|click> & <#C1|general>"
    escaped = mrkdwn.escape(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert escaped == "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp; &lt;#C1|general&gt;"
    assert mrkdwn.unescape(escaped) == hostile


def test_links_only_for_http_urls_and_labels_are_escaped() -> None:
    assert mrkdwn.link("https://a.example/x?a=1&b=2|3", "A <b>") == "<https://a.example/x?a=1&amp;b=2%7C3|A &lt;b&gt;>"
    assert mrkdwn.link("javascript:alert(1)", "t") == "t"
    assert mrkdwn.link("", "t & u") == "t &amp; u"
    assert mrkdwn.link("https://a.example", "a|b") == "<https://a.example|a¦b>"


def test_user_text_drops_the_bot_mention_and_reads_markup() -> None:
    text = "<@UBOT> what did <@U42> say in <#C1|news> about <https://x.example|this> &amp; <!here>?"
    assert mrkdwn.user_text(text, "UBOT") == "what did @U42 say in #news about this & @here?"
    assert mrkdwn.user_text("<@UBOT|newsbot>   ", "UBOT") == ""


def test_split_keeps_entities_and_links_whole() -> None:
    text = "a" * 2990 + " &amp; " + "<https://x.example|[1]>" + " tail"
    parts = mrkdwn.split(text, 3000)
    assert all(len(p) <= 3000 for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    assert all(p.count("<") == p.count(">") for p in parts)
    unbroken = "b" * 2997 + "&amp;" + "c" * 10
    first, second = mrkdwn.split(unbroken, 3000)
    assert first == "b" * 2997 and second == "&amp;" + "c" * 10
