#!/usr/bin/env python3
"""Makes the small test pictures beside this file (committed; run again only to change them).
photo.jpg (64x48), photo.png (48x48, with a transparent corner) and photo.webp (32x32): four flat quadrants,
red, green, blue and yellow, so a drawing of them has those colours in those places."""
import struct, subprocess, zlib, os

def quadrants(w, h):
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            top, left = y < h // 2, x < w // 2
            row.append((230, 20, 20) if top and left else (20, 200, 20) if top else (20, 20, 230) if left else (240, 220, 20))
        rows.append(row)
    return rows

def ppm(path, rows):
    with open(path, "wb") as f:
        f.write(b"P6 %d %d 255\n" % (len(rows[0]), len(rows)))
        for row in rows:
            for p in row:
                f.write(bytes(p))

def png(path, rows, alpha_corner=False):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    h, w = len(rows), len(rows[0])
    raw = b""
    for y, row in enumerate(rows):
        raw += b"\0" + b"".join(bytes(p) + bytes([0 if alpha_corner and x < 4 and y < 4 else 255]) for x, p in enumerate(row))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(data)

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
ppm("/tmp/feedtui-photo.ppm", quadrants(64, 48))
subprocess.run(["cjpeg", "-quality", "90", "-outfile", "photo.jpg", "/tmp/feedtui-photo.ppm"], check=True)
png("photo.png", quadrants(48, 48), alpha_corner=True)
png("/tmp/feedtui-webp.png", quadrants(32, 32))
subprocess.run(["cwebp", "-quiet", "-q", "90", "/tmp/feedtui-webp.png", "-o", "photo.webp"], check=True)
