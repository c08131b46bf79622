import XCTest

@testable import FeedModel

/// `TMeChunkScanner` builds libxml2's tree of a message chunk or leaves the chunk to libxml2: compared on every chunk
/// of the t.me fixtures, on damaged copies of them, and on whole imports.
final class TMeChunkScannerTests: XCTestCase {
    static let pages = [
        "tme/any2feed-topwar-full.html", "tme/statosphere-antichristone.html", "tme/hostile-messages.html",
        "realworld/tme-fieldnotes.html", "realworld/tme-contact-page.html", "wild/tme-album.html",
    ]

    /// The chunks of the fixture pages, as the importer cuts them.
    static func chunks() -> [[UInt8]] {
        pages.flatMap { page -> [[UInt8]] in
            let data = UTF8Repair.repaired(SampleFiles.fixture(page))
            return data.withUnsafeBytes { raw in
                TMeImporter.messageChunks(raw).map { Array(raw[$0]) }
            }
        }
    }

    /// Everything the importer reads of a tree, one line a node.
    static func dump(_ t: TMeTree) -> String {
        var lines: [String] = []
        func string(_ start: Int32, _ count: Int32) -> String {
            String(decoding: t.bytes[Int(start)..<Int(start + count)], as: UTF8.self).debugDescription
        }
        var stack = [(TMeTree.document, 0)]
        while let (i, depth) = stack.popLast() {
            let n = t.nodes[i]
            let indent = String(repeating: " ", count: depth)
            if n.isText {
                lines.append(indent + string(n.start, n.count))
            } else {
                let attributes = t.attributes[Int(n.start)..<Int(n.start + n.count)].map {
                    String(decoding: $0.name.bytes, as: UTF8.self) + "=" + string($0.start, $0.count)
                }
                lines.append(
                    indent + "<\(String(decoding: n.name.bytes, as: UTF8.self)) \(n.kind) \(n.classes.rawValue) line \(n.line) "
                        + attributes.joined(separator: " "))
            }
            var children: [Int] = []
            var c = Int(n.firstChild)
            while c >= 0 {
                children.append(c)
                c = Int(t.nodes[c].next)
            }
            for c in children.reversed() { stack.append((c, depth + 1)) }
        }
        return lines.joined(separator: "\n")
    }

    /// The scanner's tree and libxml2's; nil when the scanner leaves the chunk to libxml2.
    static func trees(_ chunk: [UInt8], _ scanner: inout TMeChunkScanner, _ libxml2: TMeChunkReader) -> (String, String)? {
        var tree = TMeTree()
        return chunk.withUnsafeBufferPointer { b in
            guard scanner.read(b, into: &tree) else { return nil }
            return (dump(tree), libxml2.read(b) ? dump(libxml2.tree) : "no document")
        }
    }

    func testTheScannerBuildsLibxml2sTree() throws {
        let libxml2 = try XCTUnwrap(TMeChunkReader(scanning: false))
        var scanner = TMeChunkScanner()
        let real = Self.chunks()
        var scanned = 0
        for chunk in real {
            guard let (fast, slow) = Self.trees(chunk, &scanner, libxml2) else { continue }
            scanned += 1
            XCTAssertEqual(fast, slow, String(decoding: chunk, as: UTF8.self))
        }
        // Not a test that cannot fail by leaving everything to libxml2: the pages' headers and ends are its, and
        // most of the hostile page's messages.
        XCTAssertGreaterThan(scanned * 2, real.count, "\(scanned) of \(real.count) chunks scanned")

        // Damaged copies: bytes, tags, references and blanks put in, parts taken out, the end cut off.
        let pieces: [[UInt8]] = [
            "<", ">", "</", "</b>", "</div>", "</span>", "</p>", "<p>", "<b>", "<div>", "<br>", "<br/>", "<img src=x>", "&", "&amp;",
            "&#0;", "&#x41;", "&nbsp", "&foo;", "<!--", "-->", "\0", "\r", "\u{7}", "\t", "\n", " ", "   ", "\"", "'", "=",
            "<script>", "<pre>", "<svg>", "<zq>", "</zq>", "<a href=\"https://x.example/\">", "</a>", "<li>", "<td>", "<table>",
            "<!DOCTYPE html>", "<?x?>", "\u{FFFE}", "é", "<time datetime=\"2024-01-01T00:00:00Z\">", "<dd>", "<ul>",
        ].map { Array($0.utf8) }
        var random = Draws(state: 20_261_207)
        var damagedScanned = 0
        var damaged = 0
        for chunk in real where chunk.count < 20_000 {
            for _ in 0..<60 {
                var copy = chunk
                for _ in 0...random.below(3) {
                    let at = random.below(copy.count + 1)
                    switch random.below(4) {
                    case 0, 1: copy.insert(contentsOf: pieces[random.below(pieces.count)], at: at)
                    case 2: copy.removeSubrange(at..<min(copy.count, at + 1 + random.below(12)))
                    default: copy.removeSubrange(at...)
                    }
                }
                damaged += 1
                // As the importer reads them: invalid UTF-8 (a cut sequence) mended first.
                let repaired = [UInt8](UTF8Repair.repaired(Data(copy)))
                guard let (fast, slow) = Self.trees(repaired, &scanner, libxml2) else { continue }
                damagedScanned += 1
                if fast != slow {
                    XCTFail("built otherwise than libxml2 builds it:\n\(String(decoding: copy, as: UTF8.self))\nscanner:\n\(fast)\nlibxml2:\n\(slow)")
                    return
                }
            }
        }
        XCTAssertGreaterThan(damagedScanned, damaged / 8, "\(damagedScanned) of \(damaged) damaged chunks scanned")
    }

    func testWhatTheScannerLeavesToLibxml2() throws {
        let libxml2 = try XCTUnwrap(TMeChunkReader(scanning: false))
        var scanner = TMeChunkScanner()
        for html in [
            "<div>a<!-- c -->b</div>", "<div><script>x</script></div>", "<div>a\r\nb</div>", "<div>a\0b</div>", "<div>a</span></div>",
            "<div><b>a</div>", "<div>a</p></div>", "<a href=x href=y>z</a>", "<!DOCTYPE html><div>x</div>", "text <div>x</div>",
            "<div>1 < 2</div>", "<div><pre>x</pre></div>", "<div><title>t</title></div>", "<div>&#65</div>", "<div>\u{FFFE}</div>",
            String(repeating: "<div>", count: 300),
        ] {
            XCTAssertNil(Self.trees(Array(html.utf8), &scanner, libxml2), html)
        }
        for html in [
            "<div class=\"a b\">x &amp; y<br/>z</div>", "<div> <b>x</b> <span>y</span>\n<zq>u</zq> </div>", "<div><p>a<p>b<div>c</div></div>", "<div>" + String(repeating: " ", count: 2000) + "<b>x</b>\n</div>\n",
            "<svg><g><path d=\"M0\"/></g></svg>\n", "<div>unclosed <b>bold",
        ] {
            let trees = Self.trees(Array(html.utf8), &scanner, libxml2)
            XCTAssertNotNil(trees, html)
            XCTAssertEqual(trees?.0, trees?.1, html)
        }
    }

    /// Whole imports, the hostile page included (unclosed tags, tags in attributes, comments, `<script>`, CDATA, NUL
    /// bytes, invalid UTF-8, deep nesting): the same posts, skips and lines with the scanner as without.
    func testImportsAreTheSameWithoutTheScanner() throws {
        for page in Self.pages {
            let data = SampleFiles.fixture(page)
            XCTAssertEqual(try TMeImporter.load(data, scanning: true), try TMeImporter.load(data, scanning: false), page)
        }
        let hostile = try XCTUnwrap(TMeImporter.load(SampleFiles.fixture("tme/hostile-messages.html")).first)
        XCTAssertEqual(hostile.publications.count, 26)
        // An unclosed message ends with its chunk: the next one is a post of its own.
        XCTAssertEqual(hostile.publications.first?.text, "Unclosed bold italic link\n1.1K10:00")
        XCTAssertEqual(hostile.publications.map(\.id).prefix(2), ["hostile/1", "hostile/2"])
        XCTAssertEqual(hostile.skipped.count, 3)
    }
}
