import Foundation

// Placeholder until the tdesktop importer lands: recognises nothing.
enum TDesktopImporter: Importer {
    static func recognizes(_ data: Data) -> Bool { false }
    static func load(_ data: Data) throws(FeedError) -> [Channel] {
        throw FeedError("the tdesktop format is not supported yet")
    }
}
