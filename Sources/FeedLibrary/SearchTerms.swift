import FeedModel

/// The terms of a folded text: each trigram, and each character as a term of its own, each once. A term is one
/// Int64: a trigram's three scalars (21 bits each) from the top, or a character's scalar with the top bit set.
enum SearchTerms {
    /// Two of these follow each text, so that every piece of two characters starts a trigram: a control no post's
    /// text holds (`Sanitize.imported`).
    static let padding: UInt64 = 1

    @inline(__always)
    static func trigram(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> Int64 { Int64(bitPattern: a << 42 | b << 21 | c) }

    @inline(__always)
    static func character(_ c: UInt64) -> Int64 { Int64(bitPattern: c | 1 << 63) }

    /// The trigrams two characters start.
    static func pair(_ a: UInt64, _ b: UInt64) -> Range<Int64> {
        let low = trigram(a, b, 0)
        return low..<(low + 1 << 21)
    }

    /// The terms of a post's searchable text.
    static func of(_ post: Publication, _ folder: inout SearchText, _ given: TermsGiven) -> [Int64] {
        var terms: [Int64] = []
        var folded: [UInt8] = []
        append(post, to: &terms, folder: &folder, folded: &folded, given: given)
        return terms
    }

    /// Appends the terms of a post's searchable text, folded into `folded` (scratch, kept by the caller).
    static func append(_ post: Publication, to terms: inout [Int64], folder: inout SearchText, folded: inout [UInt8], given: TermsGiven) {
        folded.removeAll(keepingCapacity: true)
        folder.fold(post.searchableText, into: &folded)
        folded.withUnsafeBufferPointer { append(folded: $0, to: &terms, given: given) }
    }

    /// Appends each term of a folded text, once (`given` remembers those of this text).
    static func append(_ folded: String, to terms: inout [Int64], given: TermsGiven) {
        var text = folded
        text.withUTF8 { append(folded: $0, to: &terms, given: given) }
    }

    /// The same from the folded text's UTF-8.
    static func append(folded bytes: UnsafeBufferPointer<UInt8>, to terms: inout [Int64], given: TermsGiven) {
        given.startText()
        let count = bytes.count
        // Made here, then appended at once: an array's append at each term was a fifth of this.
        let made = given.scratch(count * 2 + 2)
        var madeCount = 0
        // The last two characters, and how many of them there are.
        var (first, second): (UInt64, UInt64) = (0, 0)
        var seen = 0
        // The ASCII characters given so far, as bits: most characters of most texts are looked up here.
        var ascii: (UInt64, UInt64) = (0, 0)
        var at = 0
        func add(_ key: UInt64) {
            if seen >= 2 {
                let trigram = first << 42 | second << 21 | key
                if given.isNew(trigram) {
                    made[madeCount] = Int64(bitPattern: trigram)
                    madeCount += 1
                }
            }
            (first, second) = (second, key)
            seen += 1
        }
        while at < count {
            let lead = bytes[at]
            let key: UInt64
            switch lead {
            case ..<0x80:
                key = UInt64(lead)
                at += 1
            case ..<0xE0:
                key = UInt64(lead & 0x1F) << 6 | UInt64(bytes[at + 1] & 0x3F)
                at += 2
            case ..<0xF0:
                key = UInt64(lead & 0x0F) << 12 | UInt64(bytes[at + 1] & 0x3F) << 6 | UInt64(bytes[at + 2] & 0x3F)
                at += 3
            default:
                key = UInt64(lead & 0x07) << 18 | UInt64(bytes[at + 1] & 0x3F) << 12 | UInt64(bytes[at + 2] & 0x3F) << 6
                    | UInt64(bytes[at + 3] & 0x3F)
                at += 4
            }
            add(key)
            let new: Bool
            if key < 0x40 {
                new = ascii.0 & 1 << key == 0
                ascii.0 |= 1 << key
            } else if key < 0x80 {
                new = ascii.1 & 1 << (key - 0x40) == 0
                ascii.1 |= 1 << (key - 0x40)
            } else {
                new = given.isNew(key | 1 << 63)
            }
            if new {
                made[madeCount] = character(key)
                madeCount += 1
            }
        }
        add(padding)
        add(padding)
        terms.append(contentsOf: UnsafeBufferPointer(start: made, count: madeCount))
    }
}

/// The terms of one text given so far. 42% of a feed post's trigrams repeat an earlier one. The table grows with a
/// text of many distinct terms (a post of several MB) and is made small again for the next.
final class TermsGiven {
    private static let initialSize = 8_192
    private var size = initialSize
    private var keys: UnsafeMutablePointer<UInt64>
    /// The text each slot was filled for: a slot of an earlier text is empty, so no text clears the table.
    private var filledFor: UnsafeMutablePointer<UInt32>
    private var text: UInt32 = 0
    private var count = 0
    /// Where a text's terms are made (`SearchTerms.append`).
    private var made = UnsafeMutablePointer<Int64>.allocate(capacity: 4_096)
    private var madeCapacity = 4_096

    init() {
        keys = .allocate(capacity: size)
        filledFor = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        filledFor.initialize(repeating: 0, count: size)
    }

    deinit {
        keys.deallocate()
        filledFor.deallocate()
        made.deallocate()
    }

    /// Room for `capacity` terms: a trigram and a character a byte at most, and the padding's two trigrams.
    func scratch(_ capacity: Int) -> UnsafeMutablePointer<Int64> {
        if capacity > madeCapacity {
            made.deallocate()
            madeCapacity = max(capacity, madeCapacity * 2)
            made = .allocate(capacity: madeCapacity)
        }
        return made
    }

    func startText() {
        if size > Self.initialSize { resize(Self.initialSize, keeping: false) }
        text &+= 1
        if text == 0 {
            filledFor.update(repeating: 0, count: size)
            text = 1
        }
        count = 0
    }

    /// Whether the term was not given before in this text; remembered if it was not.
    @inline(__always)
    func isNew(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & (size - 1)
        while filledFor[slot] == text {
            if keys[slot] == key { return false }
            slot = (slot + 1) & (size - 1)
        }
        filledFor[slot] = text
        keys[slot] = key
        count += 1
        if count * 2 > size { resize(size * 2, keeping: true) }
        return true
    }

    /// A table of `newSize` slots, holding this text's terms when `keeping`.
    private func resize(_ newSize: Int, keeping: Bool) {
        let (oldKeys, oldFilled, oldSize) = (keys, filledFor, size)
        size = newSize
        keys = .allocate(capacity: size)
        filledFor = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        filledFor.initialize(repeating: 0, count: size)
        if keeping {
            for old in 0..<oldSize where oldFilled[old] == text {
                var slot = Int(truncatingIfNeeded: (oldKeys[old] &* 0x9E37_79B9_7F4A_7C15) >> 32) & (size - 1)
                while filledFor[slot] == text { slot = (slot + 1) & (size - 1) }
                filledFor[slot] = text
                keys[slot] = oldKeys[old]
            }
        } else {
            text = 0
        }
        oldKeys.deallocate()
        oldFilled.deallocate()
    }
}
