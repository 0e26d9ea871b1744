"""Small, exact helpers for SQL text: quoting identifiers, splitting scripts, masking URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")

# Words PostgreSQL and SQLite both reserve; quoting them is always safe, so the list
# errs on the long side.
_RESERVED = frozenset(
    """all analyse analyze and any array as asc asymmetric authorization binary both case cast
    check collate column constraint create cross current_catalog current_date current_role
    current_schema current_time current_timestamp current_user default deferrable desc distinct
    do else end except false fetch for foreign freeze from full grant group having ilike in
    initially inner intersect into is isnull join lateral leading left like limit localtime
    localtimestamp natural not notnull null offset on only or order outer overlaps placing
    primary references returning right select session_user similar some symmetric table
    tablesample then to trailing true union unique user using variadic verbose when where window
    with autoincrement index key values""".split()
)


def quote_ident(name: str) -> str:
    """Quote an identifier unless it is plain lower case and not reserved."""
    if _PLAIN_IDENT.match(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_always(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A SQL string literal: single quotes, embedded quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def url_secrets(url: str | None) -> list[str]:
    """Every spelling of the password a URL carries (userinfo, percent-decoded, ?password=),
    longest first so that a password containing another secret is removed whole."""
    if not url:
        return []
    found: list[str] = []
    try:
        parts = urlsplit(url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [v for k, v in parse_qsl(parts.query) if k == "password" and v]
    except ValueError:
        match = re.search(r"//[^:/@]*:([^@]*)@", url)
        if match:
            found.append(match.group(1))
    return sorted({s for s in found if s}, key=len, reverse=True)


def mask_url(url: str) -> str:
    """The URL as it may appear in messages and origins: no password anywhere.

    Done on the text rather than by re-assembling a parsed URL, so a URL with a bad port
    or an odd host is still shown as the user wrote it.
    """
    match = re.match(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<netloc>[^/?#]*)(?P<rest>.*)$", url, re.DOTALL)
    text = url
    if match:
        netloc = match.group("netloc")
        userinfo, at, hostport = netloc.rpartition("@")
        if at and ":" in userinfo:
            netloc = userinfo.split(":", 1)[0] + ":***@" + hostport
        text = match.group("scheme") + netloc + match.group("rest")
    text = re.sub(r"([?&]password=)[^&#]*", r"\1***", text)
    return redact(text, *url_secrets(url))


def redact(text: str, *secrets: str | None) -> str:
    """Remove every given secret from a message (drivers echo connection strings)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def strip_comments(text: str) -> str:
    """The SQL without -- and /* */ comments; quoted text and dollar-quoted bodies are kept."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if ch == "/" and text.startswith("/*", i):
            j = _block_comment_end(text, i)
            out.append(" ")
            i = j
            continue
        if ch in ("'", '"'):
            j = i + 1
            while j < n and not (text[j] == ch and not text.startswith(ch * 2, j)):
                j += 2 if text.startswith(ch * 2, j) else 1
            out.append(text[i : j + 1])
            i = j + 1
            continue
        if ch == "$":
            m = _DOLLAR_TAG.match(text, i)
            if m:
                end = text.find(m.group(0), m.end())
                end = n if end < 0 else end + len(m.group(0))
                out.append(text[i:end])
                i = end
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def unwrap_parens(text: str) -> str:
    """An expression without the parentheses that enclose all of it: `((a > 0))` -> `a > 0`."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def balanced(text: str) -> bool:
    """True when every parenthesis outside quotes is closed, never going below zero."""
    return _scan(text, None) == (-1, 0)


def find_top_level(text: str, needle: str) -> int:
    """Index of `needle` (case-insensitive) outside quotes and parentheses; -1 if absent
    or if the parentheses close more than they open before it."""
    return _scan(text, needle.upper())[0]


def _scan(text: str, needle: str | None) -> tuple[int, int | None]:
    """One pass over `text` outside quotes: (index of the upper-case `needle` at depth 0
    or -1, parentheses left open at the end: negative once more close than opened, None
    when a quote is left open)."""
    depth, quote = 0, None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return -1, depth
        elif needle and depth == 0 and text[i : i + len(needle)].upper() == needle:
            return i, depth
    return -1, (None if quote else depth)


def _block_comment_end(text: str, start: int) -> int:
    """Index just past the /* … */ comment opening at `start` (they nest in PostgreSQL)."""
    depth, j, n = 1, start + 2, len(text)
    while j < n and depth:
        if text.startswith("/*", j):
            depth, j = depth + 1, j + 2
        elif text.startswith("*/", j):
            depth, j = depth - 1, j + 2
        else:
            j += 1
    return j


@dataclass(frozen=True)
class Statement:
    number: int  # 1-based position in the script
    line: int  # 1-based line where the statement starts
    text: str


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def split_statements(script: str) -> list[Statement]:
    """Split a SQL script on top-level semicolons.

    Quotes, quoted identifiers, dollar-quoted bodies, line and block comments (nested, as
    PostgreSQL allows), and SQLite's BEGIN...END trigger bodies are respected. Empty
    statements (comments only) are dropped.
    """
    statements: list[Statement] = []
    i, n = 0, len(script)
    start = 0
    line = 1
    start_line = 1
    has_code = False
    trigger_depth = 0  # inside CREATE TRIGGER ... BEGIN ... END
    word_re = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    words: list[str] = []

    def flush(end: int) -> None:
        nonlocal has_code, words, trigger_depth
        text = script[start:end].strip()
        if has_code and text:
            statements.append(Statement(len(statements) + 1, start_line, text))
        has_code = False
        words = []
        trigger_depth = 0

    while i < n:
        ch = script[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if ch.isspace():
            i += 1
            continue
        if not has_code:
            start_line = line
        if ch == "-" and script.startswith("--", i):
            j = script.find("\n", i)
            i = n if j < 0 else j
            continue
        if ch == "/" and script.startswith("/*", i):
            j = _block_comment_end(script, i)
            line += script.count("\n", i, j)
            i = j
            continue
        if not has_code:
            start = i
            has_code = True
        if ch in ("'", '"', "`"):
            j = i + 1
            while j < n:
                if script[j] == ch:
                    if j + 1 < n and script[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            line += script.count("\n", i, j)
            i = j + 1
            continue
        if ch == "[" and words and words[-1].lower() in ("table", "into", "on", "from", "join"):
            j = script.find("]", i)
            j = n if j < 0 else j
            line += script.count("\n", i, j)
            i = j + 1
            continue
        if ch == "$":
            m = _DOLLAR_TAG.match(script, i)
            if m:
                tag = m.group(0)
                j = script.find(tag, m.end())
                j = n if j < 0 else j + len(tag)
                line += script.count("\n", i, j)
                i = j
                continue
        m = word_re.match(script, i)
        if m:
            word = m.group(0).lower()
            words.append(word)
            if "trigger" in words[:4] and words[0] == "create":
                if word in ("begin", "case"):
                    trigger_depth += 1
                elif word == "end" and trigger_depth:
                    trigger_depth -= 1
            i = m.end()
            continue
        if ch == ";" and not trigger_depth:
            flush(i)
            i += 1
            continue
        i += 1
    flush(n)
    return statements
