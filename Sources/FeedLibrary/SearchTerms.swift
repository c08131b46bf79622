import FeedModel

/// The terms of a folded text: each trigram, each character as a term of its own, and each join of two words. A
/// term is one Int64: a trigram's three scalars (21 bits each) from the top, a character's scalar with the top bit
/// set, or a join's hash with the top two bits set.
enum SearchTerms {
    /// Two of these follow each text, so that every piece of two characters starts a trigram: a control no post's
    /// text holds (`Sanitize.imported`).
    static let padding: UInt64 = 1

    @inline(__always)
    static func trigram(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> Int64 { Int64(bitPattern: a << 42 | b << 21 | c) }

    @inline(__always)
    static func character(_ c: UInt64) -> Int64 { Int64(bitPattern: c | 1 << 63) }

    /// The join at `at` of folded characters, if one stands there: a space with three characters on each side, none
    /// of them a space (of two words, so a word of one or two letters makes none), hashed. A phrase of common words is
    /// made rare by its joins ("the fas", "ast sec" in "the fast secure"), where its trigrams are each in most posts:
    /// two characters a side ("st se", in many posts) left several times as many to check. A text and a needle find
    /// theirs the same way, or a post holding the needle would be missed.
    @inline(__always)
    static func join<Characters: RandomAccessCollection>(_ s: Characters, at: Int) -> Int64?
    where Characters.Index == Int, Characters.Element: BinaryInteger {
        guard UInt64(s[at]) == space else { return nil }
        let (a, b, c) = (UInt64(s[at - 3]), UInt64(s[at - 2]), UInt64(s[at - 1]))
        let (d, e, f) = (UInt64(s[at + 1]), UInt64(s[at + 2]), UInt64(s[at + 3]))
        guard a != space, b != space, c != space, d != space, e != space, f != space else { return nil }
        let left = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ (c &* 0x1656_67B1_9E37_79F9)
        let right = (d &* 0xD6E8_FEB8_6659_FD93) ^ (e &* 0xFF51_AFD7_ED55_8CCD) ^ (f &* 0xC4CE_B9FE_1A85_EC53)
        return Int64(bitPattern: firstJoin | (left ^ right) >> (64 - joinBits))
    }

    /// Where a join can stand among `count` characters: three characters from either end.
    @inline(__always)
    static func joinPlaces(_ count: Int) -> Range<Int> { 3..<max(3, count - 3) }

    /// Joins are hashed into `joins` terms, eight to a row of a run (`joinRow`): few enough that a table keeps them as
    /// they come, apart from the other terms (`TermTable.forEachJoin`) — each distinct join a term of its own made an
    /// import ~20% slower — and enough that a phrase's join leaves few posts besides its own. In 2 048 terms, a row each,
    /// a phrase of two common words left 23 000 posts of a million to check against their records for its 10 000; a
    /// run's rows are SQLite's cost, so eight times the terms are in as many rows as before (BENCHMARKS, thirteenth stop).
    static let joinBits: UInt64 = 14
    static let joins = 1 << joinBits
    static let firstJoin: UInt64 = 3 << 62
    /// A row holds the joins that differ in these low bits: the row of a join is its hash less them, which is the term
    /// the join had when it had 2 048 (`SearchIndex.JoinRows.whole`).
    static let joinRowBits: UInt64 = 3

    /// A join term's place among the joins; nil for other terms.
    @inline(__always)
    static func joinIndex(_ term: Int64) -> Int? {
        UInt64(bitPattern: term) >= firstJoin ? Int(UInt64(bitPattern: term) & UInt64(joins - 1)) : nil
    }

    /// The term of the row holding a join.
    static func joinRow(_ join: Int64) -> Int64 {
        Int64(bitPattern: firstJoin | (UInt64(bitPattern: join) & UInt64(joins - 1)) >> joinRowBits)
    }

    /// A join's place in its row.
    static func joinInRow(_ join: Int64) -> Int { Int(UInt64(bitPattern: join) & (1 << joinRowBits - 1)) }

    /// The join at `place` in the row `row`.
    static func join(row: Int64, place: Int) -> Int64 {
        Int64(bitPattern: firstJoin | (UInt64(bitPattern: row) & UInt64(joins - 1)) << joinRowBits | UInt64(place))
    }

    static let space: UInt64 = 0x20

    /// The trigrams two characters start.
    static func pair(_ a: UInt64, _ b: UInt64) -> Range<Int64> {
        let low = trigram(a, b, 0)
        return low..<(low + 1 << 21)
    }
}

/// Where `TermMaker` gives a text's terms: a generic parameter rather than a closure, so that the compiler puts the
/// taking of each term in the loop that makes them (through a closure, a call a term was half of an import's terms).
protocol TermSink {
    mutating func take(_ term: Int64)
}

/// Makes the terms of texts: folds each into scalars (`SearchText`) and gives its trigrams and characters. Kept
/// from one text to the next: the folding of each scalar met and the buffers.
struct TermMaker {
    private var folder = SearchText()
    private var scalars: [UInt32] = []
    /// The non-ASCII characters given in this text, by their low bits: most repeats of a character are not given
    /// again (a Cyrillic text is made of a few dozen).
    private var recent = [UInt32](repeating: 0, count: 256)
    /// The joins given in this text, a bit each: a join repeats in a text as often as its two words do.
    private var joinsGiven = [UInt64](repeating: 0, count: SearchTerms.joins / 64)

    /// Gives each term of a text: every trigram and join where it occurs, each ASCII character once and the others
    /// at least once. Whoever keeps them keeps each once (`TermTable`, `terms(of:)`).
    @inline(__always)
    mutating func give<Sink: TermSink>(_ text: String, to sink: inout Sink) {
        let count = folder.fold(text, scalars: &scalars)
        recent.withUnsafeMutableBufferPointer { recent in
            recent.update(repeating: 0)
            scalars.withUnsafeBufferPointer { scalars in
                // The last two characters, and how many of them there are.
                var (first, second): (UInt64, UInt64) = (0, 0)
                var seen = 0
                // The ASCII characters given so far, as bits: most characters of most texts are looked up here.
                var ascii: (UInt64, UInt64) = (0, 0)
                @inline(__always) func next(_ key: UInt64) {
                    if seen >= 2 { sink.take(Int64(bitPattern: first << 42 | second << 21 | key)) }
                    (first, second) = (second, key)
                    seen &+= 1
                }
                for at in 0..<count {
                    let v = scalars[at]
                    let key = UInt64(v)
                    next(key)
                    if key < 0x40 {
                        guard ascii.0 & 1 << key == 0 else { continue }
                        ascii.0 |= 1 << key
                    } else if key < 0x80 {
                        guard ascii.1 & 1 << (key - 0x40) == 0 else { continue }
                        ascii.1 |= 1 << (key - 0x40)
                    } else {
                        guard recent[Int(v & 0xFF)] != v else { continue }
                        recent[Int(v & 0xFF)] = v
                    }
                    sink.take(SearchTerms.character(key))
                }
                next(SearchTerms.padding)
                next(SearchTerms.padding)
                // Apart from the loop above, which holds the last two characters only: kept in it, the four a join
                // of two characters a side needed were slower.
                joinsGiven.withUnsafeMutableBufferPointer { given in
                    given.update(repeating: 0)
                    // A while loop: `for … where` over the places took 0.3% more of an import.
                    let places = SearchTerms.joinPlaces(count)
                    var at = places.lowerBound
                    while at < places.upperBound {
                        if let join = SearchTerms.join(scalars, at: at) {
                            let bit = Int(join) & (SearchTerms.joins - 1)
                            if given[bit >> 6] & 1 << UInt64(bit & 63) == 0 {
                                given[bit >> 6] |= 1 << UInt64(bit & 63)
                                sink.take(join)
                            }
                        }
                        at += 1
                    }
                }
            }
        }
    }

    /// The terms of a text, each once, ascending.
    mutating func terms(of text: String) -> [Int64] {
        // Kept once as they come: a post of several MB gives most of its trigrams many times over.
        var terms = Set<Int64>()
        give(text, to: &terms)
        return terms.sorted()
    }
}

extension Set<Int64>: TermSink {
    mutating func take(_ term: Int64) { insert(term) }
}
