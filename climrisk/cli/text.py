"""Text printed on the terminal: every message one printable line of bounded length."""

from __future__ import annotations

import re

__all__ = ["one_line"]

_MAX_LINE = 400  # characters of one message line on stderr
# ANSI/VT escape sequences, then any other character that is not printable on one line
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")


def one_line(text: str, limit: int = _MAX_LINE) -> str:
    """``text`` as one printable line: escapes and line breaks shown as codes, long text cut.

    A value quoted from a user's file can hold quoted newlines, U+2028, ANSI escapes or a
    megabyte of text; the message must still be one readable line.
    """
    text = _ESCAPES.sub(lambda m: repr(m.group(0))[1:-1], str(text))
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    if len(text) > limit:
        keep = limit - 40
        text = f"{text[: keep * 3 // 4]} ...[{len(text) - keep:,} characters]... " \
            f"{text[-(keep // 4):]}"
    return text


