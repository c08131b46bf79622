import Foundation
import XCTest

@testable import FeedModel

/// `HTMLScanner` reads the common HTML of feeds in place of libxml2: whatever it reads must come out exactly as
/// libxml2's reading does, and what it cannot repeat exactly must be left to libxml2.
final class HTMLScannerTests: XCTestCase {
    private let base = URL(string: "https://example.org/blog/post")

    /// Every HTML body of the test and sample feeds, and 30 000 generated fragments (well formed, sloppy and
    /// hostile), read both ways: the same text, links, picture and marks; and most feed bodies are scanned.
    func testTheScannerReadsAsLibxml2() throws {
        var bodies = try feedBodies()
        XCTAssertGreaterThan(bodies.count, 25, "the feeds' bodies were not found")
        var scannedBodies = 0
        for body in bodies where scans(body) { scannedBodies += 1 }
        var random = Draws(state: 20_261_207)
        let realCount = bodies.count
        var wellFormed = 0
        for i in 0..<30_000 {
            let html = fragment(&random, sloppy: i % 2 == 1)
            if i % 2 == 0, scans(html) { wellFormed += 1 }
            bodies.append(html)
        }
        var scanned = 0
        for html in bodies {
            let fast = HTMLText.convert(html, base: base, scanning: true)
            let slow = HTMLText.convert(html, base: base, scanning: false)
            if fast != slow {
                XCTFail("read otherwise than libxml2 reads it:\n\(html)\nscanner: \(fast)\nlibxml2: \(slow)")
                return
            }
            if scans(html) { scanned += 1 }
        }
        // Not a test that cannot fail by leaving everything to libxml2.
        XCTAssertGreaterThan(scannedBodies * 2, realCount, "\(scannedBodies) of \(realCount) feed bodies scanned")
        XCTAssertGreaterThan(scanned, 10_000, "\(scanned) of \(bodies.count) fragments scanned")
        XCTAssertGreaterThan(wellFormed, 12_000, "\(wellFormed) of 15 000 well-formed fragments scanned")
    }

    func testWhatTheScannerLeavesToLibxml2() {
        for html in [
            "<pre>\n x</pre>", "<script>1<2</script>", "<p>bell &#7;</p>", "<b>a<i>b</b></i>", "</p>", "<div>a</p></div>", "x</br>", "<p>a\r\nb</p>", "<p>\u{1}</p>",
            "<a href=x href=y>z</a>", "<!DOCTYPE html><p>x", "<p>a<!-- c -- d -->b</p>", "<?xml version='1.0'?><p>x", "<p>&#65</p>",
            "<input value=1>", "<p>x&",
        ] {
            XCTAssertFalse(scans(html), html)
            XCTAssertEqual(HTMLText.convert(html, base: base, scanning: true), HTMLText.convert(html, base: base, scanning: false), html)
        }
        for html in [
            "<p>Hello <a href=\"https://x.org/?a=1&amp;b=2\">world</a> &mdash; &#8217;&#x1F525;</p>", "Tom & Jerry <br/>",
            "<ul><li>one</li><li>two</li></ul><img src='/p.png' alt=x>", "<div><div>nested</div></div>", "<p>a<!-- c -->b</p>",
            "<p>a<p>b", "<p>&bogus; &amp fish &copy 2024</p>", "<custom>x</custom>", "a < b", "<li>one<li>two",
            "<a href=\"https://x.org/?a=1&b=2\">x</a>", "Intro<p>Para</p>", "<p><a href=\"/a\">one <a href=\"/b\">two</a></a> three</p>",
            "<div>x</span>y</div>", "<p>a<math>b</math>c</p>", "<p>a<template><b>b</b></template>c<canvas>d</canvas></p>",
        ] {
            XCTAssertTrue(scans(html), html)
            XCTAssertEqual(HTMLText.convert(html, base: base, scanning: true), HTMLText.convert(html, base: base, scanning: false), html)
        }
    }

    private func scans(_ html: String) -> Bool {
        var r = Renderer()
        return Array(html.utf8).withUnsafeBufferPointer { HTMLScanner.render($0, into: &r) }
    }

    /// The HTML bodies (description, content:encoded, Atom content and summary) of every feed file of the tests and
    /// samples, as their XML gives them (CDATA or escaped).
    private func feedBodies() throws -> [String] {
        let root = SampleFiles.root
        var files: [URL] = []
        for folder in ["Tests/FeedModelTests/Resources", "Samples", "Tests/e2e"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if ["xml", "rss", "atom"].contains(url.pathExtension) { files.append(url) }
            }
        }
        let pattern = try NSRegularExpression(
            pattern: "<(description|content:encoded|content|summary)(\\s[^>]*)?>(.*?)</\\1>", options: [.dotMatchesLineSeparators])
        var bodies: [String] = []
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                guard let body = Range(match.range(at: 3), in: text) else { continue }
                var html = String(text[body]).trimmingCharacters(in: .whitespacesAndNewlines)
                if html.hasPrefix("<![CDATA["), html.hasSuffix("]]>") {
                    html = String(html.dropFirst(9).dropLast(3))
                } else {
                    for (escaped, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
                        html = html.replacingOccurrences(of: escaped, with: character)
                    }
                }
                // As an XML parser hands it over: its line ends normalized.
                html = html.replacingOccurrences(of: "\r\n", with: "\n")
                if html.contains("<") || html.contains("&") { bodies.append(html) }
            }
        }
        return bodies
    }

    /// A fragment of HTML: mostly what feeds write, with slips and traps among it.
    private func fragment(_ random: inout Draws, sloppy: Bool) -> String {
        let words = [
            "Hello", "мир", "東京", "速報", "한국어", "🔥", "x", "the", "fast", "secure", "élan", "שלום", "مرحبا", "a-b",
        ]
        let entities = [
            "&amp;", "&nbsp;", "&mdash;", "&laquo;", "&raquo;", "&#8217;", "&#x1F525;", "&#X41;", "&lt;", "&quot;", "&hellip;",
            "&eacute;", "& ", "&bogus;", "&amp", "&#0;", "&#xD800;", "&#13;", "&#9;", "&", "&#;", "&thetasym;",
        ]
        // The last entities and blank, and `odd`, only in sloppy fragments.
        let blanks = [" ", "  ", "\n", "\t", " \n ", "", "\r\n"]
        let inline = ["em", "strong", "b", "i", "span", "code", "small", "sup", "u", "s", "mark", "q", "cite", "abbr", "EM", "Strong"]
        let block = [
            "p", "div", "blockquote", "h2", "h3", "figure", "figcaption", "section", "ul", "ol", "li", "dl", "dt", "dd",
            "table", "tr", "td", "th", "tbody", "P", "noscript", "svg", "iframe", "center", "address", "details", "summary",
        ]
        let odd = [
            "<br>", "<br/>", "<br />", "<BR>", "<hr>", "<hr/>", "<img src=\"https://img.example.org/a.jpg\" alt=\"A\">",
            "<img src='/rel.png'>", "<img src=bare.gif>", "<wbr>", "<!-- note -->", "<pre>\n code</pre>", "<script>if (a<b) {}</script>",
            "<style>p{}</style>", "<custom-tag>", "</p>", "</div>", "a < b", "<", "<3", "<a>", "</a>", "<p\n class=x>",
            "<a href>", "<a href=\"\">", "<a href=x href=y>", "<a href=\"mailto:x@y.z\">", "<a href=\"/relative?a=1&amp;b=2\">",
            "<a href=\"https://example.com/x?a=1&b=2\">", "<a href=\"javascript:alert(1)\">", "<a title='it&#39;s'>",
            "<span class=\"x\" data-y=\"1\">", "<p/>", "<div/>", "\u{1}", "\u{FFFE}", "<html>", "<body>", "<head>", "<title>t</title>",
            "<meta charset=utf-8>", "<select><option>1<option>2</select>", "<font color=red>", "<a name=x id=y>", "<img>",
            "<tag:x>", "<a_b>", "<math>", "<template>", "</math>", "<p =x>", "<p x=>", "<p x='y'z>", "<p x=\"y\"/>", "<table><td>cell</table>",
        ]
        var html = ""
        var open: [String] = []
        for _ in 0..<random.below(40) + 1 {
            switch random.below(sloppy ? 12 : 10) {
            case 0, 1, 2: html += words[random.below(words.count)] + blanks[random.below(blanks.count - (sloppy ? 0 : 1))]
            case 3: html += entities[random.below(sloppy ? entities.count : 11)]
            case 4: html += blanks[random.below(blanks.count - (sloppy ? 0 : 1))]
            case 5:
                let name = inline[random.below(inline.count)]
                html += "<\(name)>"
                open.append(name)
            case 6:
                let name = block[random.below(block.count)]
                // Well formed: blocks in blocks only, lists and tables whole.
                if !sloppy {
                    guard open.allSatisfy({ ["div", "blockquote", "section", "figure", "center", "details"].contains($0) }) else { continue }
                    if ["ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody"].contains(name) {
                        html += ["<ul><li>a</li><li>b <em>c</em></li></ul>", "<table><tr><td>1</td><th>2</th></tr></table>", "<dl><dt>t</dt><dd>d</dd></dl>"][random.below(3)]
                        continue
                    }
                }
                html += "<\(name)>"
                open.append(name)
            case 7:
                if !sloppy, open.contains("a") { continue }
                let href = ["https://example.org/a", "/b", "https://example.org/a#x", "http://x.y/?q=1&amp;r=2", "c d"][random.below(5)]
                html += "<a href=\"\(href)\">"
                open.append("a")
            case 8, 9:
                // Mostly in order; now and then closed out of order or not at all.
                guard let last = open.popLast() else { continue }
                if sloppy, random.below(10) == 0, let other = open.popLast() {
                    html += "</\(other)>"
                    open.append(last)
                } else if !sloppy || random.below(15) != 0 {
                    html += "</\(last.lowercased())>"
                }
            case 10: html += sloppy ? odd[random.below(odd.count)] : "<br>"
            default: html += "<ul><li>one</li><li>two &amp; three</li></ul>"
            }
        }
        while let last = open.popLast(), !sloppy || random.below(8) != 0 { html += "</\(last.lowercased())>" }
        return html
    }
}

/// The same fragments on every run: Knuth's MMIX linear congruential generator, its high bits.
struct Draws {
    var state: UInt64

    mutating func below(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
}
