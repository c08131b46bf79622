#!/usr/bin/env python3
"""Generates the benchmark inputs for `make bench`: one ~100 MB file per source format.

    python3 scripts/gen-bench.py                  # bench-data/{page.txt,native.json,tdesktop.json,tme.html,rss.xml,atom.xml}
    python3 scripts/gen-bench.py --size-mb 10     # smaller files, for a quick run
    python3 scripts/gen-bench.py --posts 100000 --kind rss     # bench-data/rss-100000.xml: exactly N posts
    python3 scripts/gen-bench.py --posts 1000000 --kind native # bench-data/native-1000000.json

A file of N posts comes with N.meta.json (what the library bench checks the screen against: the newest and
oldest post's list date, the search needle and how many posts hold it). The posts of a smaller file are the
first posts of a larger one of the same kind.

Deterministic: every format has its own fixed seed and nothing depends on the clock, the locale, hash
ordering or the Python version (random.Random's integer seeding and randrange/random are stable since 3.2),
so the same arguments write the same bytes — `sha256sum bench-data/*` is the check.
Each file mirrors a real example in /work/shared/fixtures (see the per-format comments). Standard library only.
"""

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import sys

UTC = dt.timezone.utc
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# ---------------------------------------------------------------------------------------------------------
# Text: a fixed vocabulary in several scripts. Sentences are drawn once into a pool per file and posts are
# made of pool sentences, which keeps generation fast (~10 s per 100 MB) while every post still differs.
# No word is a month name, so no text line can look like the page format's date lines.

EN = ("the channel post update server users privacy data message telegram network report people country "
      "government internet provider traffic cloud security encryption phone call team feature release today "
      "week because however while never always every world public access private content source open city "
      "market price energy river winter summer morning evening story photo video link news article research "
      "science history music game stream chat bot community support question answer build test version fast "
      "slow large small new old good better strong quiet simple clear local global free secure").split()
RU = ("канал новости сегодня пользователи сервер данные сообщение сеть страна правительство безопасность "
      "шифрование звонок команда обновление неделя всегда никогда мир доступ история музыка игра стрим "
      "чат бот вопрос ответ версия быстро медленно большой малый новый старый хороший простой ясный "
      "город рынок цена энергия река зима лето утро вечер фото видео ссылка статья").split()
CJK = ["反キリスト", "ブログ", "東京の天気", "新しい機能", "ニュース", "中文消息", "今天的更新", "网络安全",
       "数据隐私", "频道统计", "안녕하세요", "업데이트", "텔레그램", "漢字テスト", "速報"]
EMOJI = ["🔥", "👍", "🤡", "🐼", "📈", "✂️", "🇹🇷", "🇮🇱", "⚔️", "🌏", "🙏", "❤️", "😂", "👨‍👩‍👧‍👦", "🏳️‍🌈",
         "👍🏽", "🚀", "💬", "📹", "💳", "✔️", "🔶", "♦️", "🇬🇧", "🇨🇳", "🎉"]
SITES = ["Boing Boing", "The Verge", "Habr", "Медуза", "BBC News", "Ars Technica", "NHK", "Telegraph",
         "GitHub", "Wikipedia"]
DOMAINS = ["telegra.ph", "example.com", "news.example.org", "habr.com", "t.me", "github.com", "bbc.co.uk",
           "nhk.or.jp", "meduza.io", "boingboing.net"]

# The search needle of the N-post files: a word no vocabulary holds, planted in every NEEDLE_EVERY-th post with
# a capital and an accent, so that finding `xylographe` also checks case and diacritic folding.
NEEDLE, NEEDLE_PLANTED, NEEDLE_EVERY = "xylographe", "Xylographé", 997


class Text:
    """Sentences, paragraphs and URLs drawn from one seeded generator."""

    def __init__(self, rng, pool_size=6000):
        self.rng = rng
        self.pool = [self._sentence() for _ in range(pool_size)]

    def _sentence(self):
        r = self.rng
        lang = r.random()
        n = r.randint(5, 22)
        if lang < 0.65:
            words = [r.choice(EN) for _ in range(n)]
        elif lang < 0.88:
            words = [r.choice(RU) for _ in range(n)]
        elif lang < 0.95:
            return "".join(r.choice(CJK) for _ in range(r.randint(2, 6))) + "。"
        else:  # mixed scripts inside one sentence
            words = [r.choice(EN + RU + CJK) for _ in range(n)]
        if r.random() < 0.25:
            words.insert(r.randrange(len(words)), r.choice(EMOJI))
        if r.random() < 0.08:
            words.insert(r.randrange(len(words)), "#" + r.choice(EN + RU))
        if r.random() < 0.05:
            words.insert(r.randrange(len(words)), "@" + r.choice(EN) + "_" + r.choice(EN))
        s = " ".join(words)
        return s[0].upper() + s[1:] + r.choice([".", ".", ".", "!", "?", " " + r.choice(EMOJI)])

    def url(self):
        r = self.rng
        return "https://%s/%s-%s-%d" % (r.choice(DOMAINS), r.choice(EN), r.choice(EN), r.randrange(100000))

    def paragraph(self, max_sentences=5):
        r = self.rng
        s = " ".join(r.choice(self.pool) for _ in range(r.randint(1, max_sentences)))
        if r.random() < 0.12:  # a bare URL inside the text, as channels write them
            s += " (more: " + self.url() + ")"
        return s

    def paragraphs(self, lo=1, hi=6):
        return [self.paragraph() for _ in range(self.rng.randint(lo, hi))]

    def short(self, limit):
        """A title-like piece of text, cut to `limit` characters."""
        s = self.rng.choice(self.pool)
        return s if len(s) <= limit else s[:limit].rstrip()


def count_text(n):
    """Telegram's rounding of view counts: 845, 1.2K, 28.0K, 1.5M."""
    if n < 1000:
        return str(n)
    if n < 1000000:
        return "%.1fK" % (n / 1000)
    return "%.1fM" % (n / 1000000)


def views(rng):
    # Heavy-tailed like real channels: most posts a few thousand, some viral.
    return int(rng.paretovariate(1.3) * 800)


class Sink:
    """Writes to FILE.tmp, counts bytes, renames on close so a killed run leaves no half file behind."""

    def __init__(self, path):
        self.path = path
        self.f = open(path + ".tmp", "wb", buffering=1 << 20)
        self.size = 0

    def write(self, s):
        b = s.encode("utf-8")
        self.f.write(b)
        self.size += len(b)

    def close(self):
        self.f.close()
        os.replace(self.path + ".tmp", self.path)


def descending_dates(rng, start, lo_min, hi_min):
    t = start
    while True:
        yield t
        t -= dt.timedelta(minutes=rng.randint(lo_min, hi_min), seconds=rng.randrange(60))


def ascending_dates(rng, start, lo_min, hi_min):
    t = start
    while True:
        yield t
        t += dt.timedelta(minutes=rng.randint(lo_min, hi_min), seconds=rng.randrange(60))


def iso_z(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------------------
# page — mirrors Samples/durov-channel-page.txt: header, description, counters, rating box, publications
# newest first (date lines without a zone, minutes only), photo markers, "…" previews with or without a
# site-name line, paragraphs separated by blank lines, page chrome at the end.

def gen_page(path, target):
    rng = random.Random(1001)
    tx = Text(rng)
    out = Sink(path)
    title = "Bench Channel 🐼 Канал ベンチ"
    out.write("English %s@bench_channel\n" % title)
    out.write("%s A generated channel for measuring feedtui importers. Тестовый канал. 東京 🚀\n" % title)
    out.write("1 255 406\nviews per week\n4 812 003\nviews per month\n")
    out.write("  • 12\n    in this channel\n  • 3\n    from this channel\n  • 0\n    forwarded channels\n\n\n")
    out.write("No one has rated this channel\nBe the first!\nChannel statistics\nPublications Last 10 publications\n")
    footer = "Publications of channel\nGo to full channel publications archive\nGet it on Google Play"
    dates = descending_dates(rng, dt.datetime(2025, 6, 30, 23, 50), 5, 110)
    posts = 0
    while out.size < target - len(footer):
        t = next(dates)
        lines = ["%s %d, %d %02d:%02d" % (MONTHS[t.month - 1], t.day, t.year, t.hour, t.minute)]
        kind = rng.random()
        if kind < 0.15:
            lines.append("This publication contains an image.")
            if rng.random() < 0.3:  # an album: several markers in a row
                lines.append("This publication contains an image.")
        if 0.15 <= kind < 0.30:  # preview cut with "…", straight above the text
            lines.append(tx.paragraph(4)[:300].rstrip() + "…")
        elif 0.30 <= kind < 0.38:  # site name line, then the cut preview
            lines.append(rng.choice(SITES))
            lines.append(tx.paragraph(3)[:250].rstrip() + "…")
        if kind < 0.12 and rng.random() < 0.3:
            pass  # photo-only publication: no text at all
        else:
            lines.append("\n\n".join(tx.paragraphs(1, 6)))
        out.write("\n".join(lines) + "\n")
        if rng.random() < 0.5:
            out.write("\n")
        posts += 1
    out.write(footer)
    out.close()
    return posts


# ---------------------------------------------------------------------------------------------------------
# native json — the README schema, written like `feedtui export`: sorted keys, two-space indent, " : ".

def dump(obj, indent):
    """One JSON value in the export's style, indented to sit `indent` spaces deep."""
    s = json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2, separators=(",", " : "))
    return s.replace("\n", "\n" + " " * indent)


def native_publication(rng, tx, t, n, needle=False):
    p = {"id": "bench-%d" % n, "date": iso_z(t)}
    p["text"] = "\n\n".join(tx.paragraphs(1, 5) + ([NEEDLE_PLANTED + " " + tx.short(60)] if needle else []))
    r = rng.random()
    if r < 0.3:
        p["media"] = [{"kind": "photo"}]
    elif r < 0.36:
        p["media"] = [{"kind": "video", "duration": rng.randrange(5, 4000), "name": "clip%d.mp4" % n,
                       "size": rng.randrange(10**5, 3 * 10**9)}]
    elif r < 0.40:
        p["media"] = [{"kind": "file", "name": "report-%d.pdf" % n, "size": rng.randrange(10**4, 10**8)}]
    if rng.random() < 0.2:
        url = tx.url()
        p["linkPreview"] = {"site": rng.choice(SITES), "title": tx.short(60), "description": tx.paragraph(2),
                            "url": url}
        p["links"] = [url]
    v = views(rng)
    p["views"] = {"value": v // 100 * 100, "approximate": True} if v >= 1000 and rng.random() < 0.5 else v
    if rng.random() < 0.3:
        p["forwards"] = rng.randrange(0, 500)
    if rng.random() < 0.4:
        p["reactions"] = rng.randrange(0, 3000)
    if rng.random() < 0.1:
        p["edited"] = True
        p["editedAt"] = iso_z(t + dt.timedelta(minutes=rng.randrange(1, 600)))
    if rng.random() < 0.3:
        p["utcOffset"] = 10800
    if rng.random() < 0.05:
        p["forwardedFrom"] = "Другой канал " + rng.choice(EMOJI)
    return p


def list_date(t, offset_s=0):
    """The date the post list shows (`Jul 30 2017`), in the zone the source gave."""
    lt = t + dt.timedelta(seconds=offset_s)
    return "%s %2d %04d" % (MONTHS[lt.month - 1][:3], lt.day, lt.year)


class Counted:
    """What an N-post file holds, for N.meta.json: first and last post's list dates, needle posts."""

    def __init__(self):
        self.posts = self.needles = 0
        self.newest = self.oldest = None

    def add(self, shown_date, needle):
        self.posts += 1
        self.needles += needle
        self.newest = self.newest or shown_date
        self.oldest = shown_date

    def meta(self, path):
        return {"file": os.path.basename(path), "bytes": os.path.getsize(path), "posts": self.posts,
                "newest": self.newest, "oldest": self.oldest, "needle": NEEDLE, "needlePosts": self.needles}


def gen_native(path, target, posts=None, counted=None):
    rng = random.Random(1002)
    tx = Text(rng)
    out = Sink(path)
    channel = {
        "counters": {"viewsPerWeek": 1255406, "viewsPerMonth": {"value": 4800000, "approximate": True},
                     "mentionsIn": 12, "mentionsFrom": 3, "forwardedChannels": 0},
        "description": "A generated channel for measuring feedtui. Тестовый канал. 東京 🚀",
        "handle": "bench_native", "language": "English", "publications": ["@PUBLICATIONS@"],
        "rating": {"votes": 17, "average": 4.2}, "subscribers": {"value": 78600, "approximate": True},
        "title": "Bench Native 🐼 Канал ベンチ", "url": "https://t.me/bench_native",
    }
    envelope = dump({"channels": [channel], "format": "feedtui", "version": 1}, 0)
    # Split the envelope around the placeholder and stream the publications into the gap.
    head, tail = envelope.split('"@PUBLICATIONS@"')
    out.write(head.rstrip() + "\n")
    step = (1, 30) if posts else (5, 110)  # N posts: ~90 a day, so 1M posts span 30 years, not 100
    dates = descending_dates(rng, dt.datetime(2025, 6, 30, 23, 50, tzinfo=UTC), *step)
    n = 0
    while (n < posts) if posts else (out.size < target - len(tail)):
        n += 1
        sep = "" if n == 1 else ",\n"
        needle = bool(posts) and n % NEEDLE_EVERY == 0
        p = native_publication(rng, tx, next(dates), n, needle)
        if counted:
            counted.add(list_date(dt.datetime.fromisoformat(p["date"].replace("Z", "+00:00")), p.get("utcOffset", 0)),
                        needle)
        out.write(sep + " " * 8 + dump(p, 8))
    out.write("\n" + " " * 6 + tail.lstrip() + "\n")
    out.close()
    return n


# ---------------------------------------------------------------------------------------------------------
# tdesktop — mirrors fixtures/pachum-guzel-channel.json: one public_channel, one-space indent, messages
# oldest first, "date" in the exporter's local time (+03:00 here) with "date_unixtime" as a string, "text"
# as a plain string or an array of strings and entity objects plus "text_entities", photos with
# photo_file_size, files with file_size (some above Int32), reactions, edits, forwards, service messages.

ENTITY_TYPES = ["bold", "italic", "code", "spoiler", "hashtag", "mention", "link", "text_link", "custom_emoji",
                "underline", "strikethrough", "pre", "bot_command", "email"]


def td_entities(rng, tx):
    """Text as tdesktop writes it: alternating plain strings and entity objects."""
    parts = []
    for _ in range(rng.randint(1, 8)):
        parts.append(tx.paragraph(2) + rng.choice([" ", "\n", "\n\n"]))
        kind = rng.choice(ENTITY_TYPES)
        if kind == "text_link":
            parts.append({"type": kind, "text": rng.choice(["ТВИЧ", "БУСТИ", "link", "статья"]), "href": tx.url()})
        elif kind == "link":
            parts.append({"type": kind, "text": tx.url()})
        elif kind == "custom_emoji":
            parts.append({"type": kind, "text": rng.choice(EMOJI), "document_id": "stickers/sticker (%d).webp"
                          % rng.randrange(50)})
        elif kind == "hashtag":
            parts.append({"type": kind, "text": "#" + rng.choice(RU + EN)})
        elif kind == "mention":
            parts.append({"type": kind, "text": "@" + rng.choice(EN) + "_bot"})
        elif kind == "pre":
            parts.append({"type": kind, "text": "let x = %d\nprint(x)" % rng.randrange(1000), "language": "swift"})
        elif kind == "email":
            parts.append({"type": kind, "text": "%s@example.com" % rng.choice(EN)})
        elif kind == "bot_command":
            parts.append({"type": kind, "text": "/start"})
        else:
            parts.append({"type": kind, "text": tx.short(40)})
    parts.append("")
    entities = [{"type": "plain", "text": p} if isinstance(p, str) else p for p in parts]
    return parts, entities


def td_message(rng, tx, n, t, channel_id):
    local = t + dt.timedelta(hours=3)
    m = {"id": n, "type": "message", "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
         "date_unixtime": str(int(t.timestamp()))}
    if rng.random() < 0.02:  # service messages, as channels have them
        m["type"] = "service"
        m["actor"] = "Bench Telegram 🐼 Канал"
        m["actor_id"] = "channel%d" % channel_id
        action = rng.choice(["pin_message", "edit_channel_photo", "edit_channel_title", "group_call"])
        m["action"] = action
        if action == "pin_message":
            m["message_id"] = max(1, n - rng.randrange(1, 50))
        elif action == "edit_channel_title":
            m["title"] = "Bench Telegram 🐼 Канал"
        elif action == "edit_channel_photo":
            m["photo"] = "(File not included. Change data exporting settings to download.)"
            m["width"], m["height"] = 640, 640
        else:
            m["duration"] = rng.randrange(60, 7200)
        m["text"] = ""
        m["text_entities"] = []
        return m
    if rng.random() < 0.12:
        e = local + dt.timedelta(seconds=rng.randrange(3, 20000))
        m["edited"] = e.strftime("%Y-%m-%dT%H:%M:%S")
        m["edited_unixtime"] = str(int(t.timestamp()) + int((e - local).total_seconds()))
    m["from"] = "Bench Telegram 🐼 Канал"
    m["from_id"] = "channel%d" % channel_id
    if rng.random() < 0.05:
        m["forwarded_from"] = rng.choice(["БелВПО", "Durov's Channel", "反キリスト∸ブログ", "Other channel"])
    r = rng.random()
    if r < 0.30:
        m["photo"] = "(File not included. Change data exporting settings to download.)"
        m["photo_file_size"] = rng.randrange(20000, 900000)
        m["width"], m["height"] = rng.choice([(1280, 720), (800, 600), (1080, 1350)])
    elif r < 0.38:
        m["file"] = "(File not included. Change data exporting settings to download.)"
        m["file_name"] = "%d.mp4" % rng.randrange(10000)
        m["file_size"] = rng.randrange(10**6, 4 * 10**9)  # above Int32, as in the real export
        m["thumbnail"] = "(File not included. Change data exporting settings to download.)"
        m["thumbnail_file_size"] = rng.randrange(5000, 30000)
        m["media_type"] = "video_file"
        m["mime_type"] = "video/mp4"
        m["duration_seconds"] = rng.randrange(5, 5000)
        m["width"], m["height"] = 1280, 720
    elif r < 0.42:
        m["file"] = "(File not included. Change data exporting settings to download.)"
        m["file_name"] = "document-%d.pdf" % rng.randrange(10000)
        m["file_size"] = rng.randrange(10**4, 10**8)
        m["mime_type"] = "application/pdf"
    if r < 0.38 and rng.random() < 0.3:
        m["text"], m["text_entities"] = "", []  # media only
    elif rng.random() < 0.4:
        s = "\n\n".join(tx.paragraphs(1, 4))
        m["text"] = s
        m["text_entities"] = [{"type": "plain", "text": s}]
    else:
        m["text"], m["text_entities"] = td_entities(rng, tx)
    if rng.random() < 0.5:
        m["reactions"] = [{"type": "emoji", "count": rng.randrange(1, 900), "emoji": e}
                          for e in rng.sample(["🔥", "👍", "❤️", "😂", "🤡", "🙏"], rng.randint(1, 3))]
    return m


def gen_tdesktop(path, target):
    rng = random.Random(1003)
    tx = Text(rng)
    out = Sink(path)
    channel_id = 2447843635
    out.write('{\n "name": "Bench Telegram 🐼 Канал",\n "type": "public_channel",\n "id": %d,\n "messages": [\n'
              % channel_id)
    tail = "\n ]\n}\n"
    dates = ascending_dates(rng, dt.datetime(2014, 1, 1, 9, 0, tzinfo=UTC), 5, 110)
    n = service = 0
    while out.size < target - len(tail):
        n += 1
        msg = td_message(rng, tx, n, next(dates), channel_id)
        service += msg["type"] == "service"
        m = json.dumps(msg, ensure_ascii=False, indent=1)
        out.write(("" if n == 1 else ",\n") + "  " + m.replace("\n", "\n  "))
    out.write(tail)
    out.close()
    return n, service


# ---------------------------------------------------------------------------------------------------------
# tme — mirrors fixtures/statosphere-antichristone.html (t.me/s/NAME): the page head, .tgme_channel_info with
# counters, then .tgme_widget_message blocks (data-post, the SVG bubble tail every real post carries, text
# with <br/>, <a>, <b> and emoji <i>, photos as background-image wraps, link previews, views "1.2K",
# "edited", forwarded_from, service messages) inside .tgme_channel_history, oldest first as on the page.

BUBBLE_TAIL = (
    '<i class="tgme_widget_message_bubble_tail">\n      <svg class="bubble_icon" width="9px" height="20px" '
    'viewBox="0 0 9 20">\n        <g fill="none">\n          <path class="background" fill="#ffffff" '
    'd="M8,1 L9,1 L9,20 L8,20 L8,18 C7.807,15.161 7.124,12.233 5.950,9.218 C5.046,6.893 3.504,4.733 '
    '1.325,2.738 L1.325,2.738 C0.917,2.365 0.89,1.732 1.263,1.325 C1.452,1.118 1.72,1 2,1 L8,1 Z"></path>\n'
    '          <path class="border_1x" fill="#d7e3ec" d="M9,1 L2,1 C1.72,1 1.452,1.118 1.263,1.325 C0.89,1.732 '
    '0.917,2.365 1.325,2.738 C3.504,4.733 5.046,6.893 5.95,9.218 C7.124,12.233 7.807,15.161 8,18 L8,20 L9,20 '
    'L9,1 Z M2,0 L9,0 L9,20 L7,20 L7,20 L7.002,18.068 C6.816,15.333 6.156,12.504 5.018,9.58 C4.172,7.406 '
    '2.72,5.371 0.649,3.475 C-0.165,2.729 -0.221,1.464 0.525,0.649 C0.904,0.236 1.439,0 2,0 Z"></path>\n'
    '        </g>\n      </svg>\n    </i>')


def tme_text(rng, tx):
    """Paragraphs as the web preview renders them: <br/> line breaks, inline links, bold, emoji images."""
    out = []
    for p in tx.paragraphs(1, 5):
        p = html.escape(p, quote=False)
        r = rng.random()
        if r < 0.2:
            u = tx.url()
            p += ' <a href="%s" target="_blank" rel="noopener">%s</a>' % (u, html.escape(u))
        elif r < 0.35:
            p = "<b>" + p + "</b>"
        elif r < 0.45:
            p += ' <i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/F09F94A5.png\')">' \
                 '<b>🔥</b></i>'
        out.append(p)
    return "<br/><br/>".join(out)


def tme_post(rng, tx, name, title, n, t):
    date = t.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    service = rng.random() < 0.03
    cls = "tgme_widget_message text_not_supported_wrap" + (" service_message" if service else "") \
        + " js-widget_message"
    b = ['<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="%s" data-post="%s/%d" '
         'data-view="eyJjIjotMTQ0MzAwMjIxMCwicCI6%07d">\n' % (cls, name, n, n)]
    b.append('  <div class="tgme_widget_message_user"><a href="https://t.me/%s"><i class="tgme_widget_message_'
             'user_photo bgcolor6" data-content="B"><img src="https://cdn4.telegram-cdn.org/file/userpic%d.jpg">'
             '</i></a></div>\n  <div class="tgme_widget_message_bubble">\n    \n        %s\n' % (name, n % 7, BUBBLE_TAIL))
    b.append('    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" '
             'href="https://t.me/%s"><span dir="auto">%s</span></a></div>\n\n' % (name, title))
    if service:
        b.append('<div class="tgme_widget_message_text js-message_text" dir="auto">%s</div>\n'
                 % rng.choice(["Live stream finished (44 minutes)", "Channel photo updated", "Channel created",
                               "Live stream scheduled"]))
    else:
        if rng.random() < 0.05:
            b.append('<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;<a '
                     'class="tgme_widget_message_forwarded_from_name" href="https://t.me/other_chan/%d"><span '
                     'dir="auto">БелВПО</span></a></div>\n' % rng.randrange(100000))
        if rng.random() < 0.3:
            pt = rng.choice(["66.625", "75", "56.25", "133.33"])
            b.append('<a class="tgme_widget_message_photo_wrap %d 1274099796_%d" href="https://t.me/%s/%d" '
                     'style="width:800px;background-image:url(\'https://cdn4.telegram-cdn.org/file/photo%d.jpg\')">'
                     '\n  <div class="tgme_widget_message_photo" style="padding-top:%s%%"></div>\n</a>\n'
                     % (rng.randrange(10**18), n, name, n, n, pt))
        if rng.random() < 0.9:
            b.append('<div class="tgme_widget_message_text js-message_text" dir="auto">%s</div>\n' % tme_text(rng, tx))
        if rng.random() < 0.15:
            u = tx.url()
            b.append('<a class="tgme_widget_message_link_preview" href="%s"><i class="link_preview_right_image" '
                     'style="background-image:url(\'https://cdn4.telegram-cdn.org/file/prev%d.jpg\')"></i>'
                     '<div class="link_preview_site_name accent_color" dir="auto">%s</div>'
                     '<div class="link_preview_title" dir="auto">%s</div>'
                     '<div class="link_preview_description" dir="auto">%s</div></a>\n'
                     % (u, n, html.escape(rng.choice(SITES)), html.escape(tx.short(70)),
                        html.escape(tx.paragraph(2), quote=False).replace("\n", "<br/>")))
    b.append('\n<div class="tgme_widget_message_footer compact js-message_footer">\n  \n  <div class="tgme_widget_'
             'message_info short js-message_info">\n    ')
    if not service:
        b.append('<span class="tgme_widget_message_views">%s</span><span class="copyonly"> views</span>'
                 % count_text(views(rng)))
    edited = "edited &nbsp;" if not service and rng.random() < 0.1 else ""
    b.append('<span class="tgme_widget_message_meta">%s<a class="tgme_widget_message_date" href="https://t.me/%s/%d">'
             '<time datetime="%s" class="time">%s</time></a></span>\n  </div>\n</div>\n  </div>\n  \n</div></div>'
             % (edited, name, n, date, t.strftime("%H:%M")))
    return "".join(b), service


def gen_tme(path, target):
    rng = random.Random(1004)
    tx = Text(rng)
    out = Sink(path)
    name, title = "bench_tme", "Bench Preview | ベンチ∸ブログ 🐼"
    desc = "Во что веришь, то и случится<br/><br/>IT - <a href=\"https://t.me/bench_it\" target=\"_blank\">@bench_it</a>"
    out.write('<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>%s – Telegram</title>\n'
              '<meta property="og:title" content="%s">\n<meta property="og:site_name" content="Telegram">\n'
              '<link rel="canonical" href="/s/%s">\n    <script>window.matchMedia&&window.matchMedia(\'(prefers-'
              'color-scheme: dark)\').matches&&document.documentElement.classList.add(\'theme_dark\');</script>\n'
              '  </head>\n  <body class="widget_frame_base tgme_webpreview emoji_image thin_box_shadow tme_mode '
              'no_transitions">\n    <header class="tgme_header search_collapsed">\n  <div class="tgme_container">\n'
              '    <div class="tgme_header_right_column">\n      <section class="tgme_right_column">\n'
              '        <div class="tgme_channel_info">\n          <div class="tgme_channel_info_header">\n'
              '            <i class="tgme_page_photo_image bgcolor6" data-content="B"><img src="https://cdn4.'
              'telegram-cdn.org/file/chan.jpg"></i>\n            <div class="tgme_channel_info_header_title_wrap">\n'
              '              <div class="tgme_channel_info_header_title"><span dir="auto">%s</span></div>\n'
              '            </div>\n            <div class="tgme_channel_info_header_username"><a href="https://t.me/'
              '%s">@%s</a></div>\n          </div>\n          <div class="tgme_channel_info_counters">'
              % (title, title, name, title, name, name))
    for value, kind in [("78.6K", "subscribers"), ("8 081", "photos"), ("2", "videos"), ("11", "files"),
                        ("1.5K", "links")]:
        out.write('<div class="tgme_channel_info_counter"><span class="counter_value">%s</span> <span '
                  'class="counter_type">%s</span></div>' % (value, kind))
    out.write('</div>\n          <div class="tgme_channel_info_description">%s</div>\n        </div>\n'
              '      </section>\n    </div>\n  </div>\n</header>\n<main class="tgme_main" data-url="/%s">\n'
              '  <div class="tgme_container">\n    <section class="tgme_channel_history js-message_history">\n'
              '      <div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/%s?before=1" '
              'class="tme_messages_more js-messages_more" data-before="1"></a></div>' % (desc, name, name))
    tail = ('\n    </section>\n  </div>\n</main>\n    <script src="//telegram.org/js/widget-frame.js?62"></script>\n'
            '  </body>\n</html>\n<!-- page generated in 105.19ms -->\n')
    dates = ascending_dates(rng, dt.datetime(2016, 1, 1, 9, 0, tzinfo=UTC), 5, 110)
    n = service = 0
    while out.size < target - len(tail):
        n += 1
        post, is_service = tme_post(rng, tx, name, title, n, next(dates))
        service += is_service
        out.write(post)
    out.write(tail)
    out.close()
    return n, service


# ---------------------------------------------------------------------------------------------------------
# rss — mirrors fixtures/plaszeb-geopolitics-telethon.xml (RSS 2.0, titles cut with "...", RFC 822 dates in
# GMT, CRLF inside plain-text descriptions) and adds what other feeds do: HTML descriptions, entity-escaped
# or in CDATA, numeric zones, guid, enclosures.

def rfc822(t, offset_h):
    lt = t + dt.timedelta(hours=offset_h)
    zone = "GMT" if offset_h == 0 else "%+03d00" % offset_h
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    mons = [m[:3] for m in MONTHS]
    return "%s, %02d %s %d %02d:%02d:%02d %s" % (days[lt.weekday()], lt.day, mons[lt.month - 1], lt.year,
                                                lt.hour, lt.minute, lt.second, zone)


def html_body(rng, tx, paragraphs=None):
    parts = []
    for p in paragraphs or tx.paragraphs(1, 5):
        p = html.escape(p, quote=False)
        r = rng.random()
        if r < 0.2:
            u = tx.url()
            p += ' <a href="%s">%s</a>' % (u, html.escape(rng.choice(EN)))
        elif r < 0.3:
            p = "<strong>" + p + "</strong>"
        parts.append("<p>" + p + "</p>")
    if rng.random() < 0.2:
        parts.append('<img src="https://cdn.example.com/img/%d.jpg" alt="photo"/>' % rng.randrange(10**6))
    if rng.random() < 0.1:
        parts.append("<ul><li>%s</li><li>%s</li></ul>" % (html.escape(tx.short(50)), html.escape(tx.short(50))))
    return "".join(parts)


# What real feeds put around their words: typographic entities (named and numeric), inline links with their
# own words, emphasis, line breaks, quotes, images and lists.
ENTITIES = ["&nbsp;", "&mdash;", "&ndash;", "&laquo;", "&raquo;", "&#8217;", "&hellip;", "&amp;", "&#x1F525;", "&copy;"]
MARKUP = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;")


def article_html(rng, tx, paragraphs):
    """An RSS item's HTML body: every paragraph marked up, about a third of the item's bytes markup."""
    parts = []
    for p in paragraphs:
        words = html.escape(p, quote=False).split(" ")
        for _ in range(rng.randint(0, 2)):  # a link on a few of the paragraph's own words
            i = rng.randrange(len(words))
            j = min(len(words), i + rng.randint(1, 3))
            words[i:j] = ['<a href="%s" rel="nofollow">%s</a>' % (tx.url(), " ".join(words[i:j]))]
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(ENTITIES))
        if rng.random() < 0.3:
            i = rng.randrange(len(words))
            words[i] = rng.choice(["<em>%s</em>", "<strong>%s</strong>", "<b>%s</b>", "<code>%s</code>"]) % words[i]
        text = " ".join(words)
        r = rng.random()
        if r < 0.1:
            parts.append("<blockquote><p>%s</p></blockquote>" % text)
        elif r < 0.2:
            parts.append("<p>%s<br/>%s</p>" % (text, html.escape(tx.short(80), quote=False)))
        else:
            parts.append("<p>%s</p>" % text)
    if rng.random() < 0.3:
        parts.append('<p><img src="https://cdn.example.com/img/%d.jpg" alt="photo" width="640" height="360"/></p>'
                     % rng.randrange(10**6))
    if rng.random() < 0.15:
        parts.append("<ul><li>%s</li><li>%s</li></ul>" % (html.escape(tx.short(50)), html.escape(tx.short(50))))
    return "\n".join(parts)


class Shape:
    """The mean size of an item and how much of the bodies is markup, for N.meta.json and BENCHMARKS.md."""

    def __init__(self):
        self.items = self.item_bytes = self.html_items = self.body_bytes = self.markup_bytes = 0

    def add(self, item, body=None):
        self.items += 1
        self.item_bytes += len(item.encode("utf-8"))
        if body is not None:
            self.html_items += 1
            self.body_bytes += len(body.encode("utf-8"))
            self.markup_bytes += sum(len(m.encode("utf-8")) for m in MARKUP.findall(body))

    def meta(self):
        return {"meanItemBytes": round(self.item_bytes / max(1, self.items)),
                "htmlItems": round(self.html_items / max(1, self.items), 3),
                "markupShareOfHTMLBodies": round(self.markup_bytes / max(1, self.body_bytes), 3)}


def gen_rss(path, target, posts=None, counted=None, shape=None):
    rng = random.Random(1005)
    tx = Text(rng)
    out = Sink(path)
    out.write("<?xml version='1.0' encoding='utf-8'?>\n<rss version=\"2.0\"><channel><title>Telegram feed: "
              "bench_rss 🐼</title><link>https://t.me/bench_rss</link><description>Generated for feedtui's "
              "benchmark — Тестовая лента</description><language>en</language>")
    tail = "</channel></rss>"
    step = (1, 30) if posts else (5, 110)
    dates = descending_dates(rng, dt.datetime(2025, 8, 4, 14, 58, 1, tzinfo=UTC), *step)
    n = 0
    while (n < posts) if posts else (out.size < target - len(tail)):
        n += 1
        t = next(dates)
        first = tx.short(200)
        title = first[:50] + "..." if len(first) > 50 else first
        link = "https://t.me/bench_rss/%d" % (10**6 - n)
        needle = bool(posts) and n % NEEDLE_EVERY == 0
        r = rng.random()
        paragraphs = [first] + tx.paragraphs(1, 4)
        if needle:
            paragraphs.append(NEEDLE_PLANTED + " " + tx.short(60))
        body = None
        if r < 0.1:  # plain text with CRLF paragraph breaks, as the Telethon feed has it
            desc = html.escape("\r\n\r\n".join(paragraphs), quote=False)
        elif r < 0.55:  # HTML escaped as text
            body = article_html(rng, tx, paragraphs)
            desc = html.escape(body, quote=False)
        else:  # HTML in CDATA
            body = article_html(rng, tx, paragraphs)
            desc = "<![CDATA[" + body + "]]>"
        zone = rng.choice([0, 0, 0, 3, -5])
        if counted:
            counted.add(list_date(t, zone * 3600), needle)
        item = ["<item><title>%s</title><link>%s</link><description>%s</description><pubDate>%s</pubDate>"
                % (html.escape(title, quote=False), link, desc, rfc822(t, zone))]
        if rng.random() < 0.5:
            item.append('<guid isPermaLink="false">bench-rss-%d</guid>' % n)
        if rng.random() < 0.1:
            item.append('<enclosure url="https://cdn.example.com/%d.jpg" length="%d" type="image/jpeg"/>'
                        % (n, rng.randrange(10**4, 10**6)))
        item.append("</item>")
        item = "".join(item)
        if shape:
            shape.add(item, body)
        out.write(item)
    out.write(tail)
    out.close()
    return n


# ---------------------------------------------------------------------------------------------------------
# atom — RFC 4287 (no real fixture exists): feed metadata, entries newest first with RFC 3339 dates in
# several zones and fractional seconds, content type="html" (escaped), some type="text" and summaries.

def rfc3339(rng, t):
    off = rng.choice([0, 0, 3, -5, 5.5])
    lt = t + dt.timedelta(hours=off)
    frac = ".%03d" % rng.randrange(1000) if rng.random() < 0.2 else ""
    if off == 0:
        zone = "Z"
    else:
        m = int(abs(off) * 60)
        zone = "%s%02d:%02d" % ("+" if off > 0 else "-", m // 60, m % 60)
    return lt.strftime("%Y-%m-%dT%H:%M:%S") + frac + zone


def gen_atom(path, target):
    rng = random.Random(1006)
    tx = Text(rng)
    out = Sink(path)
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
              '  <title>Bench Atom 🐼 Лента</title>\n  <subtitle>Generated for feedtui\'s benchmark</subtitle>\n'
              '  <link href="https://example.org/"/>\n  <link rel="self" href="https://example.org/feed.atom"/>\n'
              '  <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>\n  <updated>2025-06-30T23:50:00Z</updated>\n'
              '  <author><name>Bench Author</name></author>\n')
    tail = "</feed>\n"
    dates = descending_dates(rng, dt.datetime(2025, 6, 30, 23, 50, tzinfo=UTC), 5, 110)
    n = 0
    while out.size < target - len(tail):
        n += 1
        t = next(dates)
        e = ["  <entry>\n    <title>%s</title>\n    <link href=\"https://example.org/posts/%d\"/>\n"
             "    <id>urn:uuid:bench-atom-%d</id>\n" % (html.escape(tx.short(80), quote=False), n, n)]
        published = rfc3339(rng, t)
        e.append("    <updated>%s</updated>\n" % (rfc3339(rng, t + dt.timedelta(hours=2))
                                                  if rng.random() < 0.1 else published))
        if rng.random() < 0.7:
            e.append("    <published>%s</published>\n" % published)
        if rng.random() < 0.2:
            e.append("    <summary>%s</summary>\n" % html.escape(tx.paragraph(2), quote=False))
        if rng.random() < 0.85:
            e.append('    <content type="html">%s</content>\n' % html.escape(html_body(rng, tx), quote=False))
        else:
            e.append('    <content type="text">%s</content>\n'
                     % html.escape("\n\n".join(tx.paragraphs(1, 4)), quote=False))
        e.append("  </entry>\n")
        out.write("".join(e))
    out.write(tail)
    out.close()
    return n


GENERATORS = {
    "page.txt": gen_page, "native.json": gen_native, "tdesktop.json": gen_tdesktop,
    "tme.html": gen_tme, "rss.xml": gen_rss, "atom.xml": gen_atom,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=100, help="size of each file in MB (10^6 bytes); default 100")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench-data"),
                    help="output folder (default: bench-data/ in the repository)")
    ap.add_argument("--only", action="append", choices=sorted(GENERATORS), help="generate only this file (repeatable)")
    ap.add_argument("--posts", type=int, help="instead: write KIND-N.xml/.json with exactly N posts, and N.meta.json")
    ap.add_argument("--kind", choices=["rss", "native"], default="native", help="the format of --posts (default native)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.posts is not None:
        if args.posts < 1:
            ap.error("--posts takes a positive number")
        name = "rss-%d.xml" % args.posts if args.kind == "rss" else "native-%d.json" % args.posts
        path = os.path.join(args.out, name)
        counted = Counted()
        shape = Shape()
        if args.kind == "rss":
            gen_rss(path, 0, posts=args.posts, counted=counted, shape=shape)
        else:
            gen_native(path, 0, posts=args.posts, counted=counted)
        meta = counted.meta(path)
        if shape.items:
            meta.update(shape.meta())
        with open(path + ".meta.json", "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False, indent=1)
        print("%-22s %8.1f MB %9d posts" % (name, meta["bytes"] / 1e6, meta["posts"]))
        return
    target = int(args.size_mb * 1_000_000)
    # manifest.tsv: what each file holds, so the bench can compare posts loaded with posts written.
    manifest = {}
    mpath = os.path.join(args.out, "manifest.tsv")
    if os.path.exists(mpath):
        for line in open(mpath, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                manifest[line.split("\t")[0]] = line
    for name in args.only or GENERATORS:
        path = os.path.join(args.out, name)
        counts = GENERATORS[name](path, target)
        items, service = counts if isinstance(counts, tuple) else (counts, 0)
        size = os.path.getsize(path)
        manifest[name] = "%s\t%d\t%d\t%d\n" % (name, size, items, service)
        print("%-22s %8.1f MB %9d items (%d service)" % (name, size / 1e6, items, service), flush=True)
    with open(mpath, "w", encoding="utf-8") as f:
        f.write("# file\tbytes\titems\tservice messages (items that are not posts)\n")
        f.writelines(manifest[k] for k in GENERATORS if k in manifest)


if __name__ == "__main__":
    sys.exit(main())
