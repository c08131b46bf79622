import CLibFuzzer
import Foundation

/// The input surfaces of feedtui, one libFuzzer target each (Fuzz/Targets, FUZZING.md). Each checks one input
/// against the invariants users rely on; a crash is libFuzzer's to find, a broken invariant is made one here
/// (`fuzz`), so that libFuzzer keeps the input that broke it.
public enum Surface: String, CaseIterable, Sendable {
    case detect, page, json, tdesktop, tme, rss, opml, config, channels, html, query, draw

    /// What is wrong with how feedtui took `data`; empty when every invariant holds.
    public func problems(_ data: Data) -> [String] {
        switch self {
        case .detect: Importing.problems(data, format: nil)
        case .page: Importing.problems(data, format: .page)
        case .json: Importing.problems(data, format: .json)
        case .tdesktop: Importing.problems(data, format: .tdesktop)
        case .tme: Importing.problems(data, format: .tme) + Importing.tmeScannedAsLibxml2(data)
        case .rss: Importing.problems(data, format: .rss)
        case .opml: Lists.opml(data)
        case .config: Lists.config(data)
        case .channels: Lists.channels(data)
        case .html: Texts.html(data)
        case .query: Queries.problems(data)
        case .draw: Drawing.problems(data)
        }
    }
}

/// Runs libFuzzer on one surface with the command line's options (the target's `main`): a broken invariant ends
/// the process as a crash would, saying which.
public func runFuzzer(_ surface: Surface) -> CInt {
    running = surface
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
        let problems = running.problems(bytes.map { Data(bytes: $0, count: count) } ?? Data())
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data(("invariant broken (\(running.rawValue)):\n" + problems.prefix(5).joined(separator: "\n") + "\n").utf8))
            abort()
        }
        return 0
    }
}

/// The surface of this process: libFuzzer's callback is a C function, which captures nothing.
nonisolated(unsafe) private var running = Surface.detect

/// Controls no text of feedtui may hold: C0 (but the newlines of a text of several lines), DEL and C1.
func control(in text: String, multiline: Bool) -> Unicode.Scalar? {
    text.unicodeScalars.first { s in
        (s.value < 0x20 && !(multiline && s.value == 0x0A)) || (0x7F...0x9F).contains(s.value)
    }
}

func describe(_ s: Unicode.Scalar) -> String { String(format: "U+%04X", s.value) }

/// Where `text` is not valid to show: a control character, named with the field it is in.
func controlProblem(_ field: String, _ text: String?, multiline: Bool = false) -> String? {
    guard let text, let c = control(in: text, multiline: multiline) else { return nil }
    return "\(field) holds the control \(describe(c)): \(text.debugDescription.prefix(120))"
}
