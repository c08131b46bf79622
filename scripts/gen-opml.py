#!/usr/bin/env python3
"""An OPML of 100 folders of 1 000 feeds each (100 000 outlines, ~16 MB: titles, site addresses, categories), for
hostile.sh and `make bench-opml`.

    python3 scripts/gen-opml.py FILE
"""
import sys

with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>100 000 feeds</title></head><body>\n')
    for folder in range(100):
        f.write('<outline text="Folder %d">\n' % folder)
        for i in range(1000):
            n = folder * 1000 + i
            f.write('<outline type="rss" text="Feed %d" title="Feed %d" xmlUrl="https://feeds%d.example.org/blog/%d/rss.xml"'
                    ' htmlUrl="https://feeds%d.example.org/" category="a,b"/>\n' % (n, n, n % 977, n, n % 977))
        f.write('</outline>\n')
    f.write('</body></opml>\n')
