import XCTest
@testable import FeedModel

final class RSSImporterTests: XCTestCase {
    func fixture(_ name: String) -> Data {
        let url = Bundle.module.bundleURL.appendingPathComponent("Resources/rss/\(name)")
        return try! Data(contentsOf: url)
    }

    func testDump() throws {
        let c = try RSSImporter.load(fixture("plaszeb-geopolitics-telethon.xml"))[0]
        print("TITLE", c.title, c.url ?? "-", c.description ?? "-", c.skipped, c.publications.count)
        for p in c.publications.prefix(4) {
            print("---", p.id, p.date, p.utcOffset as Any, p.links, p.media)
            print(p.text.prefix(400))
        }
        for s in ["<rss><channel><title>x</title><item><title>a</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item><item><title>b</titl></item></channel></rss>", "<rss><chan", "<?xml version=\"1.0\"?>\n<rss>\n<channel>\n<title>x</title>\n<item><title>a</title>\n<pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item>\n<item><title>b</title>"] {
            do { let c = try RSSImporter.load(Data(s.utf8))[0]; print("OK", c.publications.count, c.skipped.summary ?? "-") } catch { print("ERR", error) }
        }
    }
}
