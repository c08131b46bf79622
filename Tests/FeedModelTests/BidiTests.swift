import FeedModel
import XCTest

final class BidiTests: XCTestCase {
    private func visual(_ text: String, _ base: Direction) -> String {
        String(Bidi.visual(Array(text), base: base).map(\.char))
    }

    func testDirectionIsTheFirstStrongCharacters() {
        XCTAssertEqual(Bidi.direction(of: "שלום world"), .rightToLeft)
        XCTAssertEqual(Bidi.direction(of: "2025 🌸 «سلام» hello"), .rightToLeft, "digits, emoji and quotes are not strong")
        XCTAssertEqual(Bidi.direction(of: "hello שלום"), .leftToRight)
        XCTAssertEqual(Bidi.direction(of: "١٢٣ 2025"), .leftToRight, "numbers alone: left to right")
    }

    func testRightToLeftLinesInVisualOrder() {
        XCTAssertEqual(visual("אבג", .rightToLeft), "גבא")
        XCTAssertEqual(visual("גרסה 3.1 של feedtui", .rightToLeft), "feedtui לש 3.1 הסרג", "numbers and Latin stay left to right")
        XCTAssertEqual(visual("סוף (טוב)", .rightToLeft), "(בוט) ףוס", "brackets are mirrored")
        XCTAssertEqual(visual("في ٢٠٢٥/٠٣/١٥", .rightToLeft), "٢٠٢٥/٠٣/١٥ يف", "Arabic-Indic dates read left to right")
        XCTAssertEqual(visual("شَلوم", .rightToLeft), "مولشَ", "a letter keeps its marks")
        XCTAssertEqual(visual("say «مرحبا» now", .leftToRight), "say «ابحرم» now", "an Arabic word inside a left-to-right line")
        XCTAssertEqual(visual("plain text (no change)", .leftToRight), "plain text (no change)")
    }

    func testClustersMoveWhole() {
        let line = Array("می‌خواهم 👩🏽‍💻")
        let order = Bidi.visual(line, base: .rightToLeft)
        XCTAssertEqual(order.map(\.index).sorted(), Array(line.indices), "every cluster once")
        XCTAssertEqual(order.first?.char, "👩🏽‍💻", "the emoji, last in logical order, is shown first from the left")
        XCTAssertTrue(order.contains { $0.char == "ی\u{200C}" }, "the ZWNJ stays on its letter")
    }
}
