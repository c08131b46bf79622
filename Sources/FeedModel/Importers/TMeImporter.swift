import Foundation

// Placeholder until the tme importer lands: recognises nothing.
enum TMeImporter: Importer {
    static func recognizes(_ data: Data) -> Bool { false }
    static func load(_ data: Data) throws(FeedError) -> [Channel] {
        throw FeedError("the tme format is not supported yet")
    }
}
