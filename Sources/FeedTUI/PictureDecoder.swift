import CJpeg
import CPng
import CWebP
import Foundation

/// A decoded picture: `width` × `height` pixels, 4 bytes each (RGBA, alpha not premultiplied).
struct Pixels: Equatable {
    var width: Int
    var height: Int
    var rgba: [UInt8]
}

/// JPEG, PNG and WebP bytes to pixels through Debian's libjpeg-turbo, libpng and libwebp. The size a file claims is
/// checked before anything is decoded, so a small file claiming 50 000 × 50 000 pixels costs nothing; a damaged or
/// cut file is refused rather than half drawn. Memory stays within `maxPixels` × 4 bytes plus libjpeg's own
/// `jpegMemory` (a JPEG is decoded straight to RGBA).
enum PictureDecoder {
    /// The most pixels a picture is decoded to (64 MB as RGBA).
    static let maxPixels = 16 << 20
    /// A JPEG larger than that is decoded at 1/2, 1/4 or 1/8 of its size (the terminal shows far fewer cells);
    /// one needing more than 1/8 is refused.
    static let jpegMemory = 128 << 20

    enum Kind: Equatable { case jpeg, png, webp }

    /// Why a picture is not drawn: a word or two for the marker.
    struct Refusal: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The format by the file's first bytes (its extension or the server's word are not trusted).
    static func kind(of data: Data) -> Kind? {
        let b = [UInt8](data.prefix(12))
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return .jpeg }
        if b.count >= 8, b[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if b.count >= 12, b[0..<4].elementsEqual(Array("RIFF".utf8)), b[8..<12].elementsEqual(Array("WEBP".utf8)) { return .webp }
        return nil
    }

    /// `limit`: the most pixels decoded (tests give a small one).
    static func decode(_ data: Data, limit: Int = maxPixels) throws(Refusal) -> Pixels {
        guard let kind = kind(of: data) else { throw Refusal("not a JPEG, PNG or WebP picture") }
        let bytes = [UInt8](data)
        switch kind {
        case .jpeg: return try jpeg(bytes, limit: limit)
        case .png: return try png(bytes, limit: limit)
        case .webp: return try webp(bytes, limit: limit)
        }
    }

    /// Refuses a size the header claims before any pixel is decoded.
    static func check(width: Int, height: Int, limit: Int = maxPixels) throws(Refusal) {
        guard width > 0, height > 0 else { throw Refusal("no pixels") }
        guard width <= 65_535, height <= 65_535, width * height <= limit else {
            throw Refusal("too large (\(width) × \(height) pixels)")
        }
    }

    private static func jpeg(_ bytes: [UInt8], limit: Int) throws(Refusal) -> Pixels {
        var message = [CChar](repeating: 0, count: 200)
        var w: UInt32 = 0
        var h: UInt32 = 0
        guard cjpeg_read(bytes, bytes.count, 1, jpegMemory, &w, &h, nil, &message, message.count) != 0 else { throw Refusal("damaged JPEG") }
        try check(width: Int(w), height: Int(h), limit: limit * 64)
        // The smallest reduction that brings it within the limit; libjpeg rounds each side up.
        guard let denominator = [1, 2, 4, 8].first(where: { d in scaled(w, d) * scaled(h, d) <= limit }) else {
            throw Refusal("too large (\(w) × \(h) pixels)")
        }
        var (width, height) = (UInt32(scaled(w, denominator)), UInt32(scaled(h, denominator)))
        return try rgba(width: Int(width), height: Int(height), limit: limit, "JPEG") {
            cjpeg_read(bytes, bytes.count, UInt32(denominator), jpegMemory, &width, &height, &$0, &message, message.count) != 0
        }
    }

    private static func scaled(_ side: UInt32, _ denominator: Int) -> Int { (Int(side) + denominator - 1) / denominator }

    /// The size a header claims checked, then the pixels decoded into a buffer of exactly that size.
    private static func rgba(width: Int, height: Int, limit: Int, _ name: String, _ decode: (inout [UInt8]) -> Bool) throws(Refusal) -> Pixels {
        try check(width: width, height: height, limit: limit)
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        guard decode(&rgba) else { throw Refusal("damaged \(name)") }
        return Pixels(width: width, height: height, rgba: rgba)
    }

    private static func png(_ bytes: [UInt8], limit: Int) throws(Refusal) -> Pixels {
        var w: UInt32 = 0
        var h: UInt32 = 0
        guard cpng_size(bytes, bytes.count, &w, &h) != 0 else { throw Refusal("damaged PNG") }
        var message = [CChar](repeating: 0, count: 200)
        return try rgba(width: Int(w), height: Int(h), limit: limit, "PNG") { cpng_decode(bytes, bytes.count, &$0, $0.count, &message, message.count) != 0 }
    }

    private static func webp(_ bytes: [UInt8], limit: Int) throws(Refusal) -> Pixels {
        var w: Int32 = 0
        var h: Int32 = 0
        guard WebPGetInfo(bytes, bytes.count, &w, &h) != 0 else { throw Refusal("damaged WebP") }
        return try rgba(width: Int(w), height: Int(h), limit: limit, "WebP") { WebPDecodeRGBAInto(bytes, bytes.count, &$0, $0.count, w * 4) != nil }
    }
}
