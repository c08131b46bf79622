import GRDB

/// The search index's tokenizer (`tokenize = 'feedtui'`): the trigrams of a folded text (`Library.indexed`), as
/// SQLite's case-sensitive trigram tokenizer gives them, and each character the text holds, once, as a token of
/// its own, so that a one-character query is one term of the index. A trigram and a character never look alike:
/// a character token is one character, a trigram three.
///
/// Before it, each character was given to SQLite's trigram tokenizer as "c" and two separators: three trigrams a
/// character where one is wanted, 28 MB of a library of 100 000 posts and ~40% of the index's time.
final class SearchTokenizer: FTS5CustomTokenizer {
    static let name = "feedtui"
    /// The characters and trigrams of the text being tokenized given so far.
    private let given = TokensGiven()

    init(db: Database, arguments: [String]) throws {}

    func tokenize(
        context: UnsafeMutableRawPointer?, tokenization: FTS5Tokenization, pText: UnsafePointer<CChar>?, nText: CInt,
        tokenCallback: @escaping FTS5TokenCallback
    ) -> CInt {
        guard let pText, nText > 0 else { return 0 }
        let count = Int(nText)
        let bytes = UnsafeRawPointer(pText).assumingMemoryBound(to: UInt8.self)
        // A query of one character asks for that character's own token; any other is its trigrams.
        let document = !tokenization.contains(.query)
        if !document, Self.length(bytes[0]) >= count {
            return tokenCallback(context, 0, pText, nText, 0, nText)
        }
        given.startText()
        // The last two characters before the one at `at`: where each starts, and its number (`character`).
        var (first, second) = (-1, -1)
        var (firstKey, secondKey): (UInt64, UInt64) = (0, 0)
        // The ASCII characters given so far, as bits: most characters of most texts are looked up here.
        var ascii: (UInt64, UInt64) = (0, 0)
        var at = 0
        while at < count {
            let lead = bytes[at]
            let end = min(count, at + Self.length(lead))
            let key = Self.character(bytes, at, end)
            // A trigram is given once per text (FTS5 keeps one entry per term and text anyway, and its look-up
            // of a token costs more than this one): its three numbers in one word, 21 bits each.
            if first >= 0, !document || given.isNew(firstKey << 42 | secondKey << 21 | key) {
                let rc = tokenCallback(context, 0, pText + first, CInt(end - first), CInt(first), CInt(end))
                if rc != 0 { return rc }
            }
            // So is a character, as a token of its own (marked by the top bit).
            if document, lead != Library.indexPaddingByte {
                let new: Bool
                if lead < 0x40 {
                    new = ascii.0 & 1 << UInt64(lead) == 0
                    ascii.0 |= 1 << UInt64(lead)
                } else if lead < 0x80 {
                    new = ascii.1 & 1 << UInt64(lead - 0x40) == 0
                    ascii.1 |= 1 << UInt64(lead - 0x40)
                } else {
                    new = given.isNew(key | 1 << 63)
                }
                if new {
                    let rc = tokenCallback(context, 0, pText + at, CInt(end - at), CInt(at), CInt(end))
                    if rc != 0 { return rc }
                }
            }
            (first, second) = (second, at)
            (firstKey, secondKey) = (secondKey, key)
            at = end
        }
        return 0
    }

    /// The number of the character at `bytes[at..<end]`: its scalar, or for a byte that starts none (a stray byte
    /// SQLite hands over as it comes) 0x110000 and the byte, which no scalar is. At most 21 bits.
    @inline(__always)
    private static func character(_ bytes: UnsafePointer<UInt8>, _ at: Int, _ end: Int) -> UInt64 {
        let lead = UInt64(bytes[at])
        switch end - at {
        case 1: return lead < 0x80 ? lead : 0x110000 | lead
        case 2: return (lead & 0x1F) << 6 | UInt64(bytes[at + 1] & 0x3F)
        case 3: return (lead & 0x0F) << 12 | UInt64(bytes[at + 1] & 0x3F) << 6 | UInt64(bytes[at + 2] & 0x3F)
        default:
            return (lead & 0x07) << 18 | UInt64(bytes[at + 1] & 0x3F) << 12 | UInt64(bytes[at + 2] & 0x3F) << 6 | UInt64(bytes[at + 3] & 0x3F)
        }
    }

    /// The bytes of the UTF-8 character `lead` starts (1 for a byte that starts none: SQLite's text is taken as
    /// it comes, and a stray byte counts as a character, as SQLite's trigram tokenizer counts it).
    private static func length(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}

/// The tokens of one text given so far, each as one number (`SearchTokenizer.character`: a trigram's three, a
/// character's marked by the top bit). 42% of a feed post's trigrams repeat an earlier one. Bounded: past `limit`
/// distinct tokens in a text (a post of several KB), the rest are given whether they repeat or not.
private final class TokensGiven {
    private static let size = 8_192
    private static let limit = 4_096
    private let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
    /// The text each slot was filled for: a slot of an earlier text is empty, so no text clears the table.
    private let filledFor = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
    private var text: UInt32 = 0
    private var count = 0

    init() {
        keys.initialize(repeating: 0, count: Self.size)
        filledFor.initialize(repeating: 0, count: Self.size)
    }

    deinit {
        keys.deallocate()
        filledFor.deallocate()
    }

    func startText() {
        text &+= 1
        if text == 0 {
            filledFor.update(repeating: 0, count: Self.size)
            text = 1
        }
        count = 0
    }

    /// Whether the token was not given before in this text; remembered if it was not.
    @inline(__always)
    func isNew(_ key: UInt64) -> Bool {
        guard count < Self.limit else { return true }
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 51)  // 13 bits: `size`
        while filledFor[slot] == text {
            if keys[slot] == key { return false }
            slot = (slot + 1) & (Self.size - 1)
        }
        filledFor[slot] = text
        keys[slot] = key
        count += 1
        return true
    }
}
