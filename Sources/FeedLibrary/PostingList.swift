import Foundation

/// A run's list of the posts holding one term: ascending rowids, either as the first and the gaps after it (varints)
/// or, when shorter, the first and a bitmap of the rowids after it (a term most posts hold: a bit a post). The joins
/// of one row (`SearchTerms.joinRow`) are a group of such lists.
enum PostingList {
    private static let gaps: UInt8 = 0
    private static let bitmap: UInt8 = 1
    private static let group: UInt8 = 2

    /// The lists of one row's joins, by their places in it (ascending): the kind, the length of the list at each
    /// place (varints, 0: none), then the lists.
    static func group(_ members: [(place: Int, list: Data)]) -> Data {
        let places = 1 << SearchTerms.joinRowBits
        var lengths = [Int](repeating: 0, count: places)
        for member in members where member.place < places { lengths[member.place] = member.list.count }
        let head = 1 + lengths.reduce(0) { $0 + varintLength(UInt64($1)) }
        // Written in place, its size known: appending each list made the group again each time.
        var group = Data(count: head + lengths.reduce(0, +))
        group.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
            out[0] = Self.group
            var at = 1
            for length in lengths { putVarint(UInt64(length), out, &at) }
            for member in members where member.place < places {
                member.list.withUnsafeBytes { list in
                    UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + list.count)]).copyMemory(from: list)
                    at += list.count
                }
            }
        }
        return group
    }

    /// The list at `place` of a group; nil when it has none there, or is damaged.
    static func member(_ group: Data, at place: Int) -> Data? {
        guard let ranges = members(group), place < ranges.count, !ranges[place].isEmpty else { return nil }
        return list(group, ranges[place])
    }

    /// Each list of a group, with its place; nothing for a damaged group.
    static func forEachMember(_ group: Data, _ body: (Int, Data) -> Void) {
        for (place, range) in (members(group) ?? []).enumerated() where !range.isEmpty { body(place, list(group, range)) }
    }

    /// Where each place's list is in a group (empty for none); nil when it is not one, or is damaged.
    private static func members(_ group: Data) -> [Range<Int>]? {
        let places = 1 << SearchTerms.joinRowBits
        return group.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [Range<Int>]? in
            guard bytes.count > places, bytes[0] == Self.group else { return nil }
            var at = 1
            var lengths: [Int] = []
            for _ in 0..<places {
                guard let length = varint(bytes, &at), length <= UInt64(bytes.count) else { return nil }
                lengths.append(Int(length))
            }
            var ranges: [Range<Int>] = []
            for length in lengths {
                guard at + length <= bytes.count else { return nil }
                ranges.append(at..<(at + length))
                at += length
            }
            return ranges
        }
    }

    private static func list(_ group: Data, _ range: Range<Int>) -> Data {
        group.subdata(in: (group.startIndex + range.lowerBound)..<(group.startIndex + range.upperBound))
    }

    /// `rowids` ascending, without repeats, not empty.
    static func encode(_ rowids: UnsafeBufferPointer<Int64>) -> Data {
        guard let first = rowids.first, let last = rowids.last else { return Data() }
        return encode(first: first, last: last, count: rowids.count) {
            zip(rowids.dropFirst(), rowids).lazy.map { UInt64($0 - $1) }.makeIterator()
        }
    }

    /// `count` ascending rowids from `first` to `last`, the gaps each after the first's distance from the one before
    /// (read once or twice: to size the list, and to write it).
    @inline(__always)
    static func encode<Gaps: IteratorProtocol<UInt64>>(first: Int64, last: Int64, count: Int, gaps: () -> Gaps) -> Data {
        let span = UInt64(last - first)
        // Each gap takes a byte at least: past a byte for every 8 rowids of the span, the bitmap is shorter.
        var gapBytes = count - 1
        if gapBytes <= span / 8 + 1 {
            gapBytes = 0
            var sizing = gaps()
            while let gap = sizing.next() { gapBytes += varintLength(gap) }
        }
        let asBitmap = span / 8 + 1 < gapBytes
        let head = 1 + varintLength(UInt64(first))
        // Written in place, its size known: appending a byte at a time was most of this.
        var list = Data(count: head + (asBitmap ? Int(span / 8) + 1 : gapBytes))
        list.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
            out[0] = asBitmap ? bitmap : PostingList.gaps
            var at = 1
            putVarint(UInt64(first), out, &at)
            var writing = gaps()
            if asBitmap {
                var bit: UInt64 = 0
                while let gap = writing.next() {
                    bit += gap
                    out[head + Int(bit >> 3)] |= 1 << UInt8(bit & 7)
                }
            } else {
                while let gap = writing.next() { putVarint(gap, out, &at) }
            }
        }
        return list
    }

    /// Calls `body` with each rowid of a list, ascending; a damaged list gives what it holds up to the damage.
    static func forEach(_ list: Data, _ body: (Int64) -> Void) {
        list.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard bytes.count > 1 else { return }
            var at = 1
            guard var rowid = varint(bytes, &at).map(Int64.init(bitPattern:)) else { return }
            body(rowid)
            if bytes[0] == bitmap {
                let first = rowid
                for i in at..<bytes.count where bytes[i] != 0 {
                    var byte = bytes[i]
                    while byte != 0 {
                        body(first + Int64((i - at) << 3 + byte.trailingZeroBitCount))
                        byte &= byte - 1
                    }
                }
                return
            }
            while at < bytes.count, let gap = varint(bytes, &at) {
                rowid &+= Int64(bitPattern: gap)
                body(rowid)
            }
        }
    }

    /// Keeps of `rowids` (ascending) those the list holds: a bitmap is looked up, not read whole.
    static func keep(_ rowids: inout [Int64], heldIn list: Data) {
        var kept = 0
        if list.count > 1, list[list.startIndex] == bitmap {
            list.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var at = 1
                guard let first = varint(bytes, &at).map(Int64.init(bitPattern:)) else { return }
                for rowid in rowids {
                    // Bit 0 stands for the first rowid, which is always held.
                    let bit = rowid - first
                    let byte = at + Int(bit >> 3)
                    if bit == 0 || (bit > 0 && byte < bytes.count && bytes[byte] & 1 << UInt8(bit & 7) != 0) {
                        rowids[kept] = rowid
                        kept += 1
                    }
                }
            }
        } else {
            var i = 0
            forEach(list) { held in
                while i < rowids.count, rowids[i] < held { i += 1 }
                if i < rowids.count, rowids[i] == held {
                    rowids[kept] = held
                    kept += 1
                    i += 1
                }
            }
        }
        rowids.removeLast(rowids.count - kept)
    }

    static func decode(_ list: Data) -> [Int64] {
        var rowids: [Int64] = []
        forEach(list) { rowids.append($0) }
        return rowids
    }

    @inline(__always)
    private static func varintLength(_ value: UInt64) -> Int { max(1, (64 - value.leadingZeroBitCount + 6) / 7) }

    @inline(__always)
    private static func putVarint(_ value: UInt64, _ out: UnsafeMutableRawBufferPointer, _ at: inout Int) {
        var value = value
        while value >= 0x80 {
            out[at] = UInt8(value & 0x7F) | 0x80
            value >>= 7
            at += 1
        }
        out[at] = UInt8(value)
        at += 1
    }

    @inline(__always)
    private static func varint(_ bytes: UnsafeRawBufferPointer, _ at: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count, shift < 64 {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
