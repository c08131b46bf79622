import GRDB

/// The tokenizer the FTS5 index of libraries before `search-v3` names (`tokenize = 'feedtui'`): `search-v2` makes
/// that table and `search-v3` drops it for `SearchIndex`, and SQLite opens neither without the name registered. It
/// gives no tokens: nothing reads the table before it is dropped.
final class RetiredTokenizer: FTS5CustomTokenizer {
    static let name = "feedtui"

    init(db: Database, arguments: [String]) throws {}

    func tokenize(
        context: UnsafeMutableRawPointer?, tokenization: FTS5Tokenization, pText: UnsafePointer<CChar>?, nText: CInt,
        tokenCallback: @escaping FTS5TokenCallback
    ) -> CInt { 0 }
}
