import XCTest

@testable import FeedModel

final class HTMLTextTests: XCTestCase {
    func testParagraphsAndLineBreaks() {
        let r = HTMLText.convert("<p>One</p><p>Two<br>three</p><div>four</div>five<br/><br/><br/>six")
        XCTAssertEqual(r.text, "One\n\nTwo\nthree\n\nfour\nfive\n\nsix")
    }

    func testWhiteSpaceCollapsesOutsidePre() {
        XCTAssertEqual(HTMLText.convert("  a \n\t b  <b> c </b>").text, "a b c")
        XCTAssertEqual(HTMLText.convert("x<pre>  a\n   b</pre>y").text, "x\n\n  a\n   b\n\ny")
        XCTAssertEqual(HTMLText.convert("plain\n\ntext without markup").text, "plain text without markup")
        // Words with single spaces go in runs: a space before another blank, at a text's end or before a tag still
        // counts once.
        XCTAssertEqual(HTMLText.convert("<p>one two  three \tfour\n five six </p><p> <i>seven</i> eight </p>x y").text,
                       "one two three four five six\n\nseven eight\n\nx y")
        XCTAssertEqual(HTMLText.convert("a b\u{1}c  d\u{0C}e \u{0C}").text, "a b\u{1}c d e", "a control is no blank, a form feed is")
    }

    func testLists() {
        let r = HTMLText.convert("<ul><li>a</li><li>b<ul><li>b1</li></ul></li></ul><ol><li>x</li><li>y</li></ol>")
        XCTAssertEqual(r.text, "• a\n• b\n  • b1\n\n1. x\n2. y")
    }

    func testEntitiesAreDecoded() {
        let r = HTMLText.convert("Fish &amp; chips &lt;3 &quot;q&quot; &#8212; &#x263A; caf&eacute;")
        XCTAssertEqual(r.text, "Fish & chips <3 \"q\" — ☺ café")
    }

    func testScriptsStylesAndTagsNeverShow() {
        let r = HTMLText.convert(
            "<head><title>T</title><style>p{color:red}</style></head><script>alert('x')</script>"
                + "<div><b>bold</b> <unknown-tag>x</unknown-tag> <!-- comment --><noscript>ns</noscript></div>")
        XCTAssertEqual(r.text, "bold x")
        XCTAssertEqual(HTMLText.convert("<p>unclosed <b>bold <i>it").text, "unclosed bold it")
    }

    func testLinksInOrderHTTPOnly() {
        let r = HTMLText.convert(
            "<a href=\"https://a.example/1\">A</a> <a href=\"javascript:alert(1)\">J</a> "
                + "<a href=\"mailto:x@y.z\">M</a> <a href=\" HTTP://b.example/?q=1&amp;r=2 \">B</a> "
                + "<a href=\"https://a.example/1\">again</a> <a href=\"/relative\">R</a> and https://c.example/x.")
        XCTAssertEqual(r.text, "A J M B again R and https://c.example/x.")
        XCTAssertEqual(r.links, ["https://a.example/1", "HTTP://b.example/?q=1&r=2", "https://c.example/x"])
    }

    func testTelegramStyleMessage() {
        let html = """
            <div class="tgme_widget_message_text"><b>Wassup<br/><br/></b>Line<br/><a href="https://t.me/x">@x</a> \
            &amp; <i class="emoji" style="background-image:url('//telegram.org/img/emoji/40/E29DA4.png')"><b>❤️</b></i></div>
            """
        let r = HTMLText.convert(html)
        XCTAssertEqual(r.text, "Wassup\n\nLine\n@x & ❤️")
        XCTAssertEqual(r.links, ["https://t.me/x"])
    }

    func testEmptyAndDegenerateInput() {
        XCTAssertEqual(HTMLText.convert("").text, "")
        XCTAssertEqual(HTMLText.convert("<br><br><p></p>").text, "")
        XCTAssertFalse(HTMLText.convert("<").text.contains("<"))  // libxml2 drops a lone "<"; no crash
        XCTAssertEqual(HTMLText.convert("a < b & c").text, "a < b & c")
        // Deep nesting: the walk is iterative. libxml2 itself stops building the tree past 256 levels (its guard
        // against resource exhaustion), so absurd depth yields no text rather than a crash.
        let deep = String(repeating: "<div>", count: 200) + "deep" + String(repeating: "</div>", count: 200)
        XCTAssertEqual(HTMLText.convert(deep).text, "deep")
        let absurd = String(repeating: "<div>", count: 50_000) + "x" + String(repeating: "</div>", count: 50_000)
        XCTAssertFalse(HTMLText.convert(absurd).text.contains("<"))
    }

    func testUTF8Repair() {
        XCTAssertTrue(UTF8Repair.isValid(Data("héllo ✓ 𝄞".utf8)))
        XCTAssertFalse(UTF8Repair.isValid(Data([0x61, 0xC3])))
        XCTAssertFalse(UTF8Repair.isValid(Data([0xED, 0xA0, 0x80])))  // a UTF-16 surrogate
        XCTAssertFalse(UTF8Repair.isValid(Data([0xC0, 0xAF])))  // overlong
        XCTAssertEqual(String(decoding: UTF8Repair.repaired(Data([0x61, 0xFF, 0x62])), as: UTF8.self), "a\u{FFFD}b")
        // Bytes: returned as they are when valid, as a string holds them otherwise.
        XCTAssertEqual(UTF8Repair.repaired(Array("héllo ✓ 𝄞".utf8)), Array("héllo ✓ 𝄞".utf8))
        XCTAssertEqual(UTF8Repair.repaired([0x61, 0xC3, 0x28, 0xED, 0xA0, 0x80]), Array("a\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}".utf8))
    }
}
