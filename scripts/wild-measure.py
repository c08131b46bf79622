#!/usr/bin/env python3
"""How many of another feed parser's expectations feedtui meets (issue 21's held-out target).

    python3 scripts/wild-measure.py SUITE [--feedtui PATH] [--jobs N] [--failures FILE] [--only SUBSTRING]

SUITE is a folder of small feeds, each with `Description:` and `Expect:` lines in a comment at its top, the way
Python feedparser's test suite writes them (`feed['title'] == 'Example feed'`). Each file is exported with
`feedtui export --json FILE` and every `Expect:` is evaluated against the exported JSON through a mapping of
feedparser's result keys onto feedtui's model (MAPPING below). An expectation that names anything without a place
in the model (bozo, encoding, version, rights, tags, *_detail language/base/type, ...) is "not applicable", as is
a file that needs the HTTP headers the suite serves it with. Strings are compared as text: the expected HTML is
turned into text (tags dropped, references decoded) and white space runs count as one space, since feedtui keeps
text, not markup; the expected `<a href>` addresses must be among the post's links.

Prints met/applicable per class (the suite's folders) and per field, and the total. Nothing of the suite is
copied: it is read from where it lies.
"""

import argparse
import calendar
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor


class NotApplicable(Exception):
    """The expectation names something feedtui's model has no place for."""


# --- Text as feedtui keeps it ------------------------------------------------------------------------------------

BLOCKS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
          "table", "hr", "dd", "dt", "dl"}


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hrefs = [], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def squeeze(s):
    return " ".join(s.split())


def as_text(s):
    """The text a reader shows for `s` read as HTML, and the web addresses of its links."""
    p = _Text()
    p.feed(s)
    p.close()
    return squeeze("".join(p.parts)), [h for h in p.hrefs if h.startswith(("http://", "https://"))]


class Text:
    """A string field of feedtui's export, compared with an expected string as text."""

    def __init__(self, value, links=(), paragraphs=False):
        self.value = value or ""
        self.links = list(links)
        # A post's text is its title, a blank line, then its body: the body is the text after the first paragraph.
        self.paragraphs = paragraphs

    def candidates(self):
        yield squeeze(self.value)
        if self.paragraphs and "\n\n" in self.value:
            yield squeeze(self.value.split("\n\n", 1)[1])

    def __eq__(self, other):
        if isinstance(other, Text):
            return any(c in set(other.candidates()) for c in self.candidates())
        if not isinstance(other, str):
            return NotImplemented
        text, hrefs = as_text(other)
        wanted = {squeeze(other), text}
        if not any(c in wanted for c in self.candidates()):
            return False
        return all(h in self.links for h in hrefs)

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __bool__(self):
        return bool(self.value)

    def __len__(self):
        return len(self.value)

    def __contains__(self, part):
        return squeeze(part) in squeeze(self.value) or as_text(part)[0] in squeeze(self.value)

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return repr(self.value)


class Title(Text):
    """An entry's title: the first paragraph of the post's text (the title is left out when the body starts with
    it, so the text then starts with the title)."""

    def candidates(self):
        yield squeeze(self.value.split("\n\n", 1)[0])

    def __eq__(self, other):
        if isinstance(other, Text):
            return squeeze(self.value) == squeeze(other.value)
        if not isinstance(other, str):
            return NotImplemented
        text = squeeze(self.value)
        for want in {squeeze(other), as_text(other)[0]}:
            if want and (text == want or text.startswith(want + " ")):
                return True
            if not want and not text:
                return True
        return False


# --- The mapping -------------------------------------------------------------------------------------------------

def struct_time(iso):
    if not iso:
        return None
    t = calendar.timegm(time.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S"))
    return time.gmtime(t)


class Node:
    """A dict of feedparser's result: keys listed map onto feedtui's export, any other is not applicable."""

    def __init__(self, fields):
        self.fields = fields

    def __getitem__(self, key):
        if key not in self.fields:
            raise NotApplicable(key)
        v = self.fields[key]
        if v is None:
            raise KeyError(key)
        return v

    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        return self[key]

    def __contains__(self, key):
        if key not in self.fields:
            raise NotApplicable(key)
        return self.fields[key] is not None

    def has_key(self, key):
        return key in self

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __eq__(self, other):
        raise NotApplicable("a whole dict")


class Links(list):
    """An entry's `links`: feedtui keeps the permalink and the enclosures, not every link's rel and order, so an
    expected `href` is met when it is one of them."""

    def __getitem__(self, i):
        if isinstance(i, slice):
            raise NotApplicable("links slice")
        return Node({"href": Member(self), "url": Member(self)})

    def __len__(self):
        raise NotApplicable("the number of links")


class Member:
    def __init__(self, values):
        self.values = values

    def __eq__(self, other):
        return other in self.values

    def __ne__(self, other):
        return other not in self.values


def channel_node(ch):
    desc = Text(ch.get("description"))
    return Node({
        "title": Text(ch.get("title")),
        "title_detail": Node({"value": Text(ch.get("title"))}),
        "subtitle": desc, "tagline": desc, "description": desc,
        "subtitle_detail": Node({"value": desc}), "tagline_detail": Node({"value": desc}),
        "link": ch.get("url"),
        "language": ch.get("language"),
    })


class Entries(list):
    """The posts; one past the end is an entry without fields, so that `entries[0]['tags']` on a feed read without
    entries is still found not applicable for what it names."""

    def __getitem__(self, i):
        if isinstance(i, int) and not -len(self) <= i < len(self):
            return entry_node(None)
        return list.__getitem__(self, i)


def entry_node(p):
    if p is None:
        return Node({k: None for k in entry_node({}).fields})
    text, links = p.get("text", ""), p.get("links", [])
    body = Text(text, links, paragraphs=True)
    title = Title(text)
    media = p.get("media", [])
    urls = [m.get("url") for m in media if m.get("url")]
    enclosures = [Node({"href": m.get("url"), "url": m.get("url"), "length": str(m["size"]) if "size" in m else None})
                  for m in media]
    date = struct_time(p.get("date"))
    author = p.get("author")
    return Node({
        "title": title, "title_detail": Node({"value": title}),
        "description": body, "summary": body, "summary_detail": Node({"value": body}),
        "content": [Node({"value": body})],
        "link": p.get("permalink"),
        "links": Links(([p["permalink"]] if p.get("permalink") else []) + urls),
        "enclosures": enclosures,
        "id": p.get("id"), "guid": p.get("id"),
        "published_parsed": date, "updated_parsed": date, "created_parsed": date,
        "author": Author(author), "author_detail": Node({"name": author}),
    })


class Author:
    """feedparser writes an author as `Name (email)` or the address alone; feedtui keeps the names."""

    def __init__(self, names):
        self.names = names

    def __eq__(self, other):
        if self.names is None or not isinstance(other, str):
            return False
        m = re.match(r"^(.*?)\s*\(([^)]*@[^)]*)\)$", other)
        return self.names in {other, m.group(1) if m else other}

    def __ne__(self, other):
        return not self.__eq__(other)


# --- Running ------------------------------------------------------------------------------------------------------

def expectations(path):
    with open(path, "rb") as f:
        head = f.read(8192).decode("utf-8", "replace")
    headers = re.search(r"^Header:", head, re.M) is not None
    return [m.group(1).strip() for m in re.finditer(r"^Expect:\s*(.*)$", head, re.M)], headers


def strip_bozo(expr):
    """`not bozo and X`, `bozo and X`: bozo (the other parser's "ill-formed" flag) has no place; X is measured."""
    return re.sub(r"^(not\s+)?bozo\s+and\s+", "", expr.strip())


NAMES = re.compile(r"\b(bozo|bozo_exception|encoding|version|headers|etag|namespaces|locals|href|status|feedparser)\b")


def evaluate(expr, export):
    expr = strip_bozo(expr)
    if NAMES.search(expr) or not re.search(r"\b(feed|entries)\b", expr):
        raise NotApplicable("not about the feed's content")
    if "127.0.0.1:8097" in expr:
        raise NotApplicable("relative to the address the suite serves the file from")
    channels = export.get("channels", [])
    ch = channels[0] if channels else {}
    env = {"feed": channel_node(ch), "entries": Entries(entry_node(p) for p in ch.get("publications", []))}
    try:
        return bool(eval(expr, {"__builtins__": {"len": len, "ord": ord, "isinstance": isinstance}}, env))
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


def field_of(expr):
    m = re.search(r"(feed|entries)((?:\[[^\]]*\]|\.[a-z_]+)+)", strip_bozo(expr))
    if not m:
        return "len(entries)" if "len(entries)" in expr else "other"
    return m.group(1) + re.sub(r"\[\d+\]", "[N]", m.group(2))


def export(feedtui, path):
    r = subprocess.run([feedtui, "export", "--json", path], capture_output=True, timeout=60,
                       env=dict(os.environ, LANG="C.UTF-8", HOME="/nonexistent-feedtui-measure",
                                XDG_CONFIG_HOME="/nonexistent-feedtui-measure", XDG_DATA_HOME="/nonexistent-feedtui-measure"))
    if r.returncode != 0:
        return None, r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["exit %d" % r.returncode]
    return json.loads(r.stdout), None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite")
    ap.add_argument("--feedtui", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "feedtui"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--failures", help="write each unmet expectation, with feedtui's answer, to this file")
    ap.add_argument("--only", help="measure only files whose path contains this")
    args = ap.parse_args()

    files = []
    for root, _, names in os.walk(args.suite):
        for n in sorted(names):
            p = os.path.join(root, n)
            if args.only and args.only not in p:
                continue
            exp, headers = expectations(p)
            if exp:
                files.append((p, exp, headers))
    files.sort()

    def run(item):
        """(path, expectations, exported JSON or None, why it is None: refused by feedtui, or not applicable)"""
        p, exp, headers = item
        if headers:
            return p, exp, None, None, "needs the HTTP headers the suite serves it with"
        try:
            data, err = export(args.feedtui, p)
        except subprocess.TimeoutExpired:
            return p, exp, None, "timed out", None
        return p, exp, data, err and err[0], None

    met, applicable, na = Counter(), Counter(), Counter()
    by_field_met, by_field_app = Counter(), Counter()
    refused, na_reasons = Counter(), Counter()
    failures = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for p, exps, data, err, skip in pool.map(run, files):
            cls = os.path.relpath(os.path.dirname(p), args.suite)
            for e in exps:
                field = field_of(e)
                try:
                    if skip:
                        raise NotApplicable(skip)
                    # A refused file meets nothing that applies (evaluated on an empty export to tell which).
                    ok = evaluate(e, data if data is not None else {}) and data is not None
                except NotApplicable as why:
                    na[cls] += 1
                    na_reasons[str(why)] += 1
                    continue
                applicable[cls] += 1
                by_field_app[field] += 1
                if ok:
                    met[cls] += 1
                    by_field_met[field] += 1
                else:
                    if data is None:
                        refused[re.sub(r"^feedtui: \S+?(:\d+)*: ", "", err or "?")] += 1
                    shown = "refused: " + (err or "?") if data is None else json.dumps(
                        (data.get("channels") or [{}])[0], ensure_ascii=False)[:600]
                    failures.append("%s\n  expect: %s\n  feedtui: %s\n" % (os.path.relpath(p, args.suite), e, shown))

    def pct(a, b):
        return "%5.1f %%" % (100.0 * a / b) if b else "    —"

    print("%-28s %6s %10s %8s %8s" % ("class", "met", "applicable", "share", "n/a"))
    for cls in sorted(set(applicable) | set(na)):
        print("%-28s %6d %10d %8s %8d" % (cls, met[cls], applicable[cls], pct(met[cls], applicable[cls]), na[cls]))
    tm, ta, tn = sum(met.values()), sum(applicable.values()), sum(na.values())
    print("%-28s %6d %10d %8s %8d" % ("total", tm, ta, pct(tm, ta), tn))
    print("\n%-44s %6s %10s" % ("field", "met", "applicable"))
    for f, n in by_field_app.most_common():
        print("%-44s %6d %10d" % (f, by_field_met[f], n))
    print("\nnot applicable, by what the expectation names:")
    for why, n in na_reasons.most_common(25):
        print("%6d  %s" % (n, why))
    if refused:
        print("\nunmet because the file was refused:")
        for why, n in refused.most_common(15):
            print("%6d  %s" % (n, why))
    if args.failures:
        with open(args.failures, "w") as f:
            f.write("\n".join(failures))
    print("\nfiles: %d, expectations: %d" % (len(files), sum(len(e) for _, e, _ in files)))


if __name__ == "__main__":
    main()
