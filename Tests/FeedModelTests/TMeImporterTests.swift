import XCTest
@testable import FeedModel

final class TMeImporterTests: XCTestCase {
    func fixture(_ name: String) -> Data {
        // On Linux `resourceURL` already ends in the copied "Resources" folder; the bundle URL is the same everywhere.
        let url = Bundle.module.bundleURL.appendingPathComponent("Resources/tme/\(name)")
        return try! Data(contentsOf: url)
    }

    func testDump() throws {
        for f in ["statosphere-antichristone.html", "any2feed-topwar-full.html"] {
            let c = try TMeImporter.load(fixture(f))[0]
            print("TITLE", c.title, c.handle ?? "-", c.url ?? "-", c.subscribers as Any, c.counters, c.skipped)
            print("DESC", c.description ?? "-")
            for p in c.publications {
                print("---", p.id, p.date, p.utcOffset as Any, p.views as Any, p.edited, p.isService, p.forwardedFrom ?? "-", p.replyTo ?? "-")
                print(p.text.prefix(300))
                print("LINKS", p.links, "MEDIA", p.media.map { "\($0.kind) \($0.name ?? "") \($0.url?.prefix(40) ?? "") \($0.duration ?? -1)" }, "LP", p.linkPreview as Any)
            }
        }
    }
}
