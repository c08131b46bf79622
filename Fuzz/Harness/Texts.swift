import Foundation

@testable import FeedModel

enum Texts {
    /// Any bytes as an HTML body: text without controls (but newlines), only http(s) links, and link marks in order
    /// inside the text, each on a character boundary; read by `HTMLScanner` exactly as libxml2 reads it.
    static func html(_ data: Data) -> [String] {
        let html = String(decoding: data, as: UTF8.self)
        let base = URL(string: "https://example.com/feed/")
        var r = HTMLText.convert(html, base: base)
        let libxml2 = HTMLText.convert(html, base: base, scanning: false)
        guard r == libxml2 else {
            return ["read otherwise than libxml2 reads it: \(r.text.debugDescription.prefix(200)) against \(libxml2.text.debugDescription.prefix(200))"]
        }
        // As every importer hands a post on: its controls replaced, its link marks moved with the text.
        r.text = Sanitize.imported(r.text, multiline: true, marks: &r.marks)
        var problems = [controlProblem("text", r.text, multiline: true)].compactMap { $0 }
        problems += r.links.compactMap { controlProblem("link", $0) }
        for link in r.links + [r.image].compactMap({ $0 }) where !isWeb(link) {
            problems.append("a link that is not http(s): \(link.debugDescription.prefix(120))")
        }
        let utf8 = Array(r.text.utf8)
        var last = 0
        for mark in r.marks {
            if mark.end < last || mark.end > utf8.count { problems.append("link mark at \(mark.end) after \(last) in \(utf8.count) bytes") }
            if mark.end < utf8.count, mark.end >= 0, utf8[mark.end] & 0xC0 == 0x80 { problems.append("link mark \(mark.number) inside a character") }
            if mark.number < 1 || mark.number > r.links.count { problems.append("link mark \(mark.number) of \(r.links.count) links") }
            last = mark.end
        }
        return problems
    }

    /// By bytes: a combining mark after "//" joins the slash in one Character, and the address is still http(s).
    static func isWeb(_ link: String) -> Bool {
        let head = link.utf8.prefix(8).map { $0 | 0x20 }
        return head.starts(with: "http://".utf8) || head.starts(with: "https://".utf8)
    }
}
