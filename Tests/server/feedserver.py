#!/usr/bin/env python3
"""A local stand-in for t.me and for feed servers, for feedtui's tests (unit and end-to-end).

Serves the real t.me web-preview pages of the importer tests (PAGES) as https://t.me/s/NAME does: the newest --page-size posts, older
pages at ?before=ID, built by cutting the real page into its messages. The real RSS file(s) (FEEDS) are served at
/rss/NAME.xml. The newest --hold posts of every channel and feed are held back until /_admin/publish?name=NAME
releases one, so a test can watch a channel gain a post between two refreshes. Feeds answer conditional GETs
(ETag, Last-Modified: 304) and gzip when asked.

Faults (also as /fault/KIND/… in front of a t.me path, a mirror that fails that way; /fault/same/… answers every
?before= page with the newest one): /status/CODE, /slow?seconds=S (then a feed), /stall (never answers), /trickle (a byte, then silence),
/truncated (Content-Length larger than the body), /loop (redirects to itself), /redirect-to?location=L, /redirect/N (N redirects, then a
feed), /big (50 MB, ?mb=N for another size; ?length=1 announces it). Hostile servers: /endless (a body that never
ends), /gzipbomb?gib=N (N GiB of zeros gzipped into about N MB, sent whatever the client accepts), /drip?seconds=S
(one byte every S seconds, for ever).
Channels that test identity and gaps: /s/gen (a generated channel of --gen-posts posts, the newest --gen-hold held back:
/_admin/publish?name=gen&count=N releases N at once), /s/impostor (antichristone's real page, its posts claiming
to be antichristone's), /rss/geocomments.xml (another feed with geopolitics' <link>: its comments); for the benchmarks, /s/gen1, /s/gen2 …
(20 posts each) and /s/walk (10 000 posts, 500 pages of 20). Each request's log entry has its start time. /_admin/log returns every request as JSON with the highest number of
requests in flight at once, overall and per host; /_admin/reset clears it.

Listens on 127.0.0.1 and, when the machine allows, on 127.0.0.2 to 127.0.0.6 at the same port (five hosts, for
the download limits). Prints the port on stdout once listening (and writes it to --port-file).
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import struct
import sys
import threading
import time
import zlib
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
# The real files of the importer tests, served under the names their channels have.
RESOURCES = os.path.join(HERE, "..", "FeedModelTests", "Resources")
PAGES = {"antichristone": "tme/statosphere-antichristone.html", "topwar_official": "tme/any2feed-topwar-full.html"}
FEEDS = {"geopolitics": "rss/plaszeb-geopolitics-telethon.xml"}
BIG = 50 * 1024 * 1024
WRAP = '<div class="tgme_widget_message_wrap'
MORE = re.compile(r'<div class="tgme_widget_message_centered js-messages_more_wrap">.*?</div>', re.S)
POST_ID = re.compile(r'data-post="[^"/]+/(\d+)"')


class TMePage:
    """A real t.me page cut into its header, its messages (oldest first, with their ids) and its footer."""

    def __init__(self, path):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        first = text.index(WRAP)
        end = text.rindex("</section>")
        self.head = MORE.sub("", text[:first])
        self.tail = text[end:]
        self.posts = []
        for chunk in text[first:end].split(WRAP)[1:]:
            m = POST_ID.search(chunk)
            if m:  # a message without data-post is not a post the importer reads
                self.posts.append((int(m.group(1)), WRAP + chunk))

    def render(self, name, visible, before, page_size):
        posts = [p for p in self.posts[:visible] if before is None or p[0] < before]
        page = posts[-page_size:]
        more = ""
        if page and len(posts) > len(page):
            oldest = page[0][0]
            more = ('<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/%s?before=%d" '
                    'class="tme_messages_more js-messages_more" data-before="%d"></a></div>' % (name, oldest, oldest))
        body = self.head + more + "".join(chunk for _, chunk in page) + "\n    " + self.tail
        return body.encode("utf-8", errors="surrogateescape")


def generated_page(name, count, like):
    """A channel of `count` text posts numbered 1…count, an hour apart, in real t.me markup (`like`'s header)."""
    page = TMePage.__new__(TMePage)
    page.head, page.tail = like.head, like.tail
    page.posts = []
    for i in range(1, count + 1):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(1577836800 + 3600 * i))  # from 2020-01-01
        page.posts.append((i, WRAP + ' js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap '
                           'js-widget_message" data-post="%s/%d"><div class="tgme_widget_message_bubble">'
                           '<div class="tgme_widget_message_text js-message_text" dir="auto">Post number %d of %s</div>'
                           '<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info '
                           'short js-message_info"><span class="tgme_widget_message_views">%d</span><span '
                           'class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/%s/%d">'
                           '<time datetime="%s" class="time"></time></a></span></div></div></div></div></div>\n'
                           % (name, i, i, name, 100 + i, name, i, stamp)))
    return page


class RSSFeed:
    def __init__(self, path, comments=False):
        with open(path, "rb") as f:
            data = f.read()
        if comments:  # the same <link> for the channel, items of their own
            head, rest = data.split(b"<item>", 1)
            data = head + b"<item>" + re.sub(rb"<link>([^<]*)</link>", rb"<link>\1?comments</link>", rest)
        first = data.index(b"<item>")
        end = data.rindex(b"</item>") + len(b"</item>")
        self.head, self.tail = data[:first], data[end:]
        self.items = [b"<item>" + i for i in data[first:end].split(b"<item>")[1:]]  # newest first

    def render(self, held):
        return self.head + b"".join(self.items[held:]) + self.tail


PICTURES = os.path.join(HERE, "..", "FeedTUITests", "Pictures")


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pictures():
    """/pictures/NAME: the test pictures, and hostile ones made from them."""
    read = lambda name: open(os.path.join(PICTURES, name), "rb").read()
    jpeg = read("photo.jpg")
    # A decompression bomb: a valid PNG header claiming 50 000 x 50 000 pixels, then a little data.
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 50000, 50000, 8, 6, 0, 0, 0))
    bomb += png_chunk(b"IDAT", zlib.compress(bytes(4096))) + png_chunk(b"IEND", b"")
    return {
        "photo.jpg": (jpeg, "image/jpeg"),
        "photo.png": (read("photo.png"), "image/png"),
        "photo.webp": (read("photo.webp"), "image/webp"),
        "bomb.png": (bomb, "image/png"),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], "image/jpeg"),
        "malformed.webp": (b"RIFF\x40\x00\x00\x00WEBPVP8 " + bytes(range(40)), "image/webp"),
        "not-an-image.jpg": (b"<html><body>not a picture</body></html>\n", "image/jpeg"),
    }


def picture_page(host):
    """/s/pictures: a t.me page whose photos, video thumbnail and link-preview image are on this server, newest last."""
    posts = [
        ('<a class="tgme_widget_message_photo_wrap" style="width:400px;background-image:url(\'%s/pictures/photo.jpg\')"></a>', "A JPEG photo."),
        ('<a class="tgme_widget_message_video_player"><i class="tgme_widget_message_video_thumb" style="background-image:url(\'%s/pictures/photo.png\')"></i>'
         '<time class="message_video_duration">0:12</time></a>', "A video with its thumbnail."),
        ('<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'%s/pictures/bomb.png\')"></a>', "A bomb."),
        ('<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'%s/pictures/truncated.jpg\')"></a>', "A truncated JPEG."),
        ('<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'%s/pictures/malformed.webp\')"></a>', "A malformed WebP."),
        ('<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'%s/pictures/not-an-image.jpg\')"></a>', "Not an image."),
        ('<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'%s/pictures/photo.webp\')"></a>', "A WebP photo."),
    ]
    out = ['<html><head><meta property="og:title" content="Pictures"></head><body>',
           '<div class="tgme_channel_info_header_title"><span>Pictures</span></div><section class="tgme_channel_history">']
    for n, (media, text) in enumerate(posts, 1):
        out.append('<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="pictures/%d">' % n)
        out.append(media.replace("%s", host))
        out.append('<div class="tgme_widget_message_text">%s</div>' % text)
        out.append('<div class="tgme_widget_message_footer"><span class="tgme_widget_message_views">%d</span>'
                   '<a class="tgme_widget_message_date" href="https://t.me/pictures/%d"><time datetime="2024-01-%02dT10:00:00+00:00"></time></a>'
                   '</div></div></div>' % (n * 10, n, n))
    out.append("</section></body></html>")
    return "\n".join(out).encode()


def picture_feed(host):
    """/rss/pictures.xml: an item with an image enclosure, and one whose picture is the first <img> of its body."""
    return ("""<?xml version="1.0"?><rss version="2.0"><channel><title>Picture feed</title><link>%(h)s/</link>
<item><title>Enclosed</title><guid>e1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="%(h)s/pictures/photo.jpg" type="image/jpeg" length="807"/><description>An enclosure.</description></item>
<item><title>Inline</title><guid>e2</guid><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Before.&lt;img src="/pictures/photo.png"&gt;&lt;img src="/pictures/photo.webp"&gt; After.&lt;/p&gt;</description></item>
</channel></rss>
""" % {"h": host}).encode()


def gzip_zero_blocks():
    """The gzip header with the first MiB of zeros, and the deflate block of every further MiB: after a full flush
    the compressor starts afresh, so each further MiB compresses to the same bytes (about 1 KiB) and a bomb of any
    size is sent without compressing it."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH), z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH)


class State:
    def __init__(self, hold, page_size, gen_posts, gen_hold):
        self.lock = threading.Lock()
        self.hold = hold
        self.holds = {"gen": gen_hold}
        self.page_size = page_size
        self.pages = {name: TMePage(os.path.join(RESOURCES, path)) for name, path in PAGES.items()}
        self.pages["impostor"] = self.pages["antichristone"]
        self.pages["gen"] = generated_page("gen", gen_posts, self.pages["antichristone"])
        self.feeds = {name: RSSFeed(os.path.join(RESOURCES, path)) for name, path in FEEDS.items()}
        self.feeds["geocomments"] = RSSFeed(os.path.join(RESOURCES, FEEDS["geopolitics"]), comments=True)
        self.published = {}  # name -> posts released since start
        self.reset()

    def reset(self):
        self.log = []
        # The requests being answered (by id of their log entry) with their hosts; a reset forgets them.
        self.live = {}
        self.max_active = 0
        self.max_per_host = {}

    def page(self, name):
        """A served channel; gen1, gen2 … (20 posts each) and walk (10 000 posts) are generated when first asked."""
        with self.lock:
            if name not in self.pages:
                if re.fullmatch(r"gen\d+", name):
                    self.pages[name] = generated_page(name, 20, self.pages["antichristone"])
                elif name == "walk":
                    self.pages[name] = generated_page(name, 10000, self.pages["antichristone"])
            return self.pages.get(name)

    def held(self, name):
        return max(0, self.holds.get(name, self.hold) - self.published.get(name, 0))


STATE = None


class Handler(BaseHTTPRequestHandler):
    server_version = "feedserver"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path.startswith("/_admin/"):
            return self.admin(url.path[len("/_admin/"):], query)
        host = self.headers.get("Host", "")
        entry = {"path": self.path, "host": host, "userAgent": self.headers.get("User-Agent"),
                 "ifNoneMatch": self.headers.get("If-None-Match"),
                 "ifModifiedSince": self.headers.get("If-Modified-Since"),
                 "acceptEncoding": self.headers.get("Accept-Encoding"), "status": None, "sent": 0, "gzip": False,
                 "time": time.time()}
        with STATE.lock:
            STATE.log.append(entry)
            STATE.live[id(entry)] = host
            STATE.max_active = max(STATE.max_active, len(STATE.live))
            n = sum(1 for h in STATE.live.values() if h == host)
            STATE.max_per_host[host] = max(STATE.max_per_host.get(host, 0), n)
        try:
            self.route(url.path, query, entry)
        except (BrokenPipeError, ConnectionResetError):
            entry["aborted"] = True
        finally:
            self.release(entry)

    def release(self, entry):
        """The request stops counting as active. A feed's body releases it before its bytes go out: the client may
        start its next download as soon as it has them, before this thread gets to run again."""
        with STATE.lock:
            STATE.live.pop(id(entry), None)

    def admin(self, what, query):
        with STATE.lock:
            if what == "log":
                body = json.dumps({"requests": STATE.log, "maxActive": STATE.max_active,
                                   "maxPerHost": STATE.max_per_host}).encode()
            elif what == "reset":
                STATE.reset()
                body = b"{}"
            elif what == "publish":
                name = query.get("name", "")
                STATE.published[name] = STATE.published.get(name, 0) + int(query.get("count", "1"))
                body = json.dumps({"held": STATE.held(name)}).encode()
            else:
                return self.send_error(404)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, path, query, entry):
        # /fault/KIND/… stands for a mirror (FEEDTUI_TME_URL) that fails that way for every page.
        m = re.fullmatch(r"/fault/([a-z0-9]+)(/.*)", path)
        if m:
            kind, rest = m.groups()
            if kind == "slow":
                time.sleep(float(query.get("seconds", "0.5")))
                return self.route(rest, query, entry)
            if kind == "same":  # every ?before= page is the newest one: a walk that never goes down
                return self.route(rest, {}, entry)
            target = {"404": "/status/404", "500": "/status/500"}.get(kind, "/" + kind)
            return self.route(target, {}, entry)
        m = re.fullmatch(r"/s/([A-Za-z0-9_]+)", path)
        if m and STATE.page(m.group(1)):
            name = m.group(1)
            page = STATE.page(name)
            before = int(query["before"]) if query.get("before", "").isdigit() else None
            with STATE.lock:
                visible = len(page.posts) - STATE.held(name)
                version = STATE.published.get(name, 0)
            return self.feed(page.render(name, visible, before, STATE.page_size), "text/html; charset=utf-8",
                             version, entry)
        m = re.fullmatch(r"/rss/([A-Za-z0-9_]+)\.xml", path)
        if m and m.group(1) in STATE.feeds:
            name = m.group(1)
            with STATE.lock:
                held, version = STATE.held(name), STATE.published.get(name, 0)
            return self.feed(STATE.feeds[name].render(held), "application/rss+xml", version, entry)
        m = re.fullmatch(r"/pictures/([a-z.-]+)", path)
        if m and m.group(1) in pictures():
            body, kind = pictures()[m.group(1)]
            return self.plain(200, body, entry, kind)
        if path == "/s/pictures":
            host = "http://" + (self.headers.get("Host") or "127.0.0.1")
            return self.plain(200, picture_page(host), entry, "text/html; charset=utf-8")
        if path == "/rss/pictures.xml":
            host = "http://" + (self.headers.get("Host") or "127.0.0.1")
            return self.plain(200, picture_feed(host), entry, "application/rss+xml")
        m = re.fullmatch(r"/status/(\d{3})", path)
        if m:
            return self.plain(int(m.group(1)), b"status page\n", entry)
        if path == "/slow":
            time.sleep(float(query.get("seconds", "2")))
            return self.route("/rss/geopolitics.xml", {}, entry)
        if path == "/stall":
            time.sleep(60)
            return
        if path == "/trickle":
            entry["status"] = 200
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(b"<")
            self.wfile.flush()
            time.sleep(60)
            return
        if path == "/truncated":
            body = STATE.feeds["geopolitics"].render(0)
            entry["status"] = 200
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            entry["sent"] = len(body) // 3
            return
        if path == "/redirect-to":
            return self.redirect(query.get("location", "/"), entry)
        if path == "/loop":
            return self.redirect("/loop", entry)
        m = re.fullmatch(r"/redirect/(\d+)", path)
        if m:
            n = int(m.group(1))
            return self.redirect("/redirect/%d" % (n - 1), entry) if n > 0 else self.route("/rss/geopolitics.xml", {}, entry)
        if path == "/big":
            size = int(query.get("mb", "0")) << 20 or BIG
            self.start_body(entry, {"Content-Length": str(size)} if query.get("length") else {})
            chunk = b"<!-- padding -->" * 4096
            while entry["sent"] < size:
                self.send_chunk(chunk, entry)
                time.sleep(0.002)  # 50 MB in about 2 s: a client that stops reading is seen to stop
            return
        if path == "/endless":
            self.start_body(entry, {})
            chunk = b"<!-- padding -->" * 4096
            while True:
                self.send_chunk(chunk, entry)
        if path == "/gzipbomb":
            self.start_body(entry, {"Content-Encoding": "gzip"})
            mib = int(query.get("gib", "2")) << 10
            first, block = gzip_zero_blocks()
            self.send_chunk(first, entry)
            for _ in range(mib - 1):
                self.send_chunk(block, entry)
            crc = 0
            for _ in range(mib):  # only reached by a client that inflates it all
                crc = zlib.crc32(bytes(1 << 20), crc)
            # An empty final block, then the gzip trailer: CRC-32 and size modulo 2^32.
            self.send_chunk(b"\x03\x00" + struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF), entry)
            return
        if path == "/drip":
            self.start_body(entry, {})
            for byte in b"<rss><channel><title>drip</title>" * 1000:
                self.send_chunk(bytes([byte]), entry)
                self.wfile.flush()
                time.sleep(float(query.get("seconds", "5")))
            return
        return self.plain(404, b"not found\n", entry)

    def feed(self, body, content_type, version, entry):
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        modified = formatdate(1700000000 + 3600 * version, usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == modified):
            entry["status"] = 304
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            entry["gzip"] = True
        entry["status"] = 200
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        if entry["gzip"]:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.release(entry)
        self.wfile.write(body)
        entry["sent"] = len(body)

    def start_body(self, entry, headers):
        """A 200 whose body follows until the connection closes (or Content-Length says otherwise)."""
        entry["status"] = 200
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def send_chunk(self, chunk, entry):
        self.wfile.write(chunk)
        entry["sent"] += len(chunk)

    def plain(self, status, body, entry, content_type="text/plain"):
        entry["status"] = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location, entry):
        entry["status"] = 302
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    global STATE
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--page-size", type=int, default=5)
    ap.add_argument("--hold", type=int, default=0)
    ap.add_argument("--gen-posts", type=int, default=400)
    ap.add_argument("--gen-hold", type=int, default=335)
    args = ap.parse_args()
    STATE = State(args.hold, args.page_size, args.gen_posts, args.gen_hold)
    ThreadingHTTPServer.daemon_threads = True
    servers = [ThreadingHTTPServer(("127.0.0.1", args.port), Handler)]
    port = servers[0].server_address[1]
    for i in range(2, 7):
        try:
            servers.append(ThreadingHTTPServer(("127.0.0.%d" % i, port), Handler))
        except OSError:
            break
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    parent = os.getppid()

    def watch_parent():  # a test process that dies (even killed) takes its server with it
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
