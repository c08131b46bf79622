import FeedModel
import Foundation
import GRDB

extension Library {
    /// The schema. Migrations are frozen once released: change the schema only by registering new ones after
    /// these, in this list.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("library-v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    -- A channel: its own fields as a native-JSON record and the statistics computed on import.
                    -- key is what the user's marks are filed under ("@handle", the feed's URL, or the title); it
                    -- is set only while status is 'live'. An import fills a channel of its own ('importing') and
                    -- swaps it for the live one in one transaction; the replaced copy ('old') is deleted later.
                    CREATE TABLE channel (
                        id INTEGER PRIMARY KEY,
                        key TEXT UNIQUE,
                        status TEXT NOT NULL CHECK (status IN ('live', 'importing', 'old')),
                        record BLOB NOT NULL,
                        statistics BLOB,
                        topPosts TEXT,
                        postCount INTEGER NOT NULL DEFAULT 0,
                        skippedCount INTEGER NOT NULL DEFAULT 0,
                        skippedLine INTEGER,
                        skippedReason TEXT,
                        -- The last time an import wrote to it: an import that stopped writing long ago was killed.
                        touchedAt DOUBLE NOT NULL
                    );
                    CREATE INDEX channel_status ON channel (status);
                    -- A publication: indexed columns for ordering, the whole post as a native-JSON record.
                    -- date is the one it sorts by (Publication.placeDates: an undated post keeps its place).
                    -- newest/oldest/viewed are its positions (0…postCount-1) in each display order, so a window
                    -- of the list is a range lookup at any size.
                    CREATE TABLE post (
                        channel INTEGER NOT NULL REFERENCES channel(id),
                        id TEXT NOT NULL,
                        date DOUBLE NOT NULL,
                        views INTEGER,
                        seq INTEGER NOT NULL,
                        newest INTEGER NOT NULL,
                        oldest INTEGER NOT NULL,
                        viewed INTEGER NOT NULL,
                        record BLOB NOT NULL,
                        UNIQUE (channel, id)
                    );
                    CREATE INDEX post_newest ON post (channel, newest);
                    CREATE INDEX post_oldest ON post (channel, oldest);
                    CREATE INDEX post_viewed ON post (channel, viewed);
                    -- The searchable text of each post (rowid = post.rowid), folded the way FeedModel's search
                    -- folds it; the trigram index finds a folded query anywhere inside it.
                    CREATE VIRTUAL TABLE postText USING fts5 (text, tokenize = 'trigram case_sensitive 1', detail = none);
                    -- A file opened before: how it looked when it was imported, and the channels it gave.
                    CREATE TABLE source (
                        path TEXT NOT NULL PRIMARY KEY,
                        size INTEGER NOT NULL,
                        modified DOUBLE NOT NULL,
                        sample INTEGER NOT NULL,
                        channels TEXT NOT NULL
                    );
                    -- What the user keeps, by channel key and post id (it outlives re-imports of the channel).
                    CREATE TABLE userChannel (
                        key TEXT NOT NULL PRIMARY KEY,
                        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
                        lastSelected TEXT
                    );
                    CREATE TABLE readMark (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        readAt DATETIME NOT NULL,
                        PRIMARY KEY (channelKey, postID)
                    ) WITHOUT ROWID;
                    CREATE TABLE bookmark (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        markedAt DATETIME NOT NULL,
                        PRIMARY KEY (channelKey, postID)
                    ) WITHOUT ROWID;
                    -- Old state databases already imported, so that each is read once.
                    CREATE TABLE importedState (path TEXT NOT NULL PRIMARY KEY, importedAt DATETIME NOT NULL);
                    """)
        }
        migrator.registerMigration("library-v2") { db in
            // What the importer says about the source as a whole (a contact page rather than a channel's posts).
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN notice TEXT")
        }
        migrator.registerMigration("live-v1") { db in
            // The followed sources: where each stands, and the counters each refresh saw.
            try db.execute(
                sql: """
                    -- One row per followed source (its text in the subscriptions file).
                    CREATE TABLE refreshState (
                        source TEXT NOT NULL PRIMARY KEY,
                        channelKey TEXT,
                        lastAttempt DOUBLE,
                        lastSuccess DOUBLE,
                        lastError TEXT,
                        etag TEXT,
                        lastModified TEXT,
                        historyBefore INTEGER,
                        historyComplete INTEGER NOT NULL DEFAULT 0
                    );
                    -- A post's counters as one refresh saw them; posted is kept so reach needs no join.
                    CREATE TABLE viewSample (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        at DOUBLE NOT NULL,
                        posted DOUBLE,
                        views INTEGER NOT NULL,
                        forwards INTEGER,
                        reactions INTEGER,
                        PRIMARY KEY (channelKey, postID, at)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("library-v3") { db in
            // An import fills the trigram index a batch at a time: merging its segments 16 at a time rather than 4,
            // and forcing a merge only at 64 segments of a level rather than 16, imports 100 000 posts ~15% faster.
            try db.execute(sql: "INSERT INTO postText (postText, rank) VALUES ('automerge', 16)")
            try db.execute(sql: "INSERT INTO postText (postText, rank) VALUES ('crisismerge', 64)")
        }
        migrator.registerMigration("identity-v1") { db in
            // A channel belongs to the source it was read from (`Source.identity`), no longer to what its content
            // claims; gaps are runs of posts a refresh could not reach.
            try db.execute(sql: "ALTER TABLE refreshState ADD COLUMN gaps TEXT")
            try renameToIdentities(db)
        }
        migrator.registerMigration("merge-v1") { db in
            // A refresh merges what it read in place: where position 0 of each order is stored (positions move
            // at the end they grow from, not all of them) and the place in the source the next new post takes.
            for column in ["newestBase", "oldestBase", "viewedBase"] {
                try db.execute(sql: "ALTER TABLE channel ADD COLUMN \(column) INTEGER NOT NULL DEFAULT 0")
            }
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN nextSeq INTEGER")
        }
        migrator.registerMigration("query-v1") { db in
            // A query channel (a saved filter, key `query:NAME`) holds the posts of other channels: their places in
            // its three orders, so that a window of it is a range on an index like a channel's own.
            try db.execute(
                sql: """
                    CREATE TABLE queryPost (
                        query INTEGER NOT NULL,
                        post INTEGER NOT NULL,
                        newest INTEGER NOT NULL,
                        oldest INTEGER NOT NULL,
                        viewed INTEGER NOT NULL,
                        PRIMARY KEY (query, post)
                    ) WITHOUT ROWID;
                    CREATE INDEX queryPost_newest ON queryPost (query, newest);
                    CREATE INDEX queryPost_oldest ON queryPost (query, oldest);
                    CREATE INDEX queryPost_viewed ON queryPost (query, viewed);
                    """)
        }
        migrator.registerMigration("search-v1") { db in
            // The text index no longer keeps a copy of the text (a third of the library): contentless, it holds the
            // trigrams only, and a post's record gives its text back where a match must be checked. Each text is
            // indexed with two padding characters after it, so that a query of one or two characters is a lookup too; the
            // list of the index's trigrams finds those a two-character piece starts.
            db.add(function: DatabaseFunction("feedtui_indexed", argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0]).map { $0 + "\u{1}\u{1}" }
            })
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE postIndex USING fts5 (text, tokenize = 'trigram case_sensitive 1', detail = none, content = '');
                    INSERT INTO postIndex (postIndex, rank) VALUES ('automerge', 16);
                    INSERT INTO postIndex (postIndex, rank) VALUES ('crisismerge', 64);
                    INSERT INTO postIndex (rowid, text) SELECT rowid, feedtui_indexed(text) FROM postText;
                    DROP TABLE postText;
                    ALTER TABLE postIndex RENAME TO postText;
                    CREATE VIRTUAL TABLE postTrigram USING fts5vocab (postText, 'row');
                    """)
            // Which process fills a copy: one whose process is gone was killed and is deleted at the next start.
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN importer TEXT")
        }
        migrator.registerMigration("search-v2") { db in
            // Each character a text holds was a token of its own, the index made again from the posts' records. Not
            // filled any more: `search-v3` drops this index for its own, made from the records.
            try db.execute(
                sql: """
                    DROP TABLE postTrigram;
                    DROP TABLE postText;
                    CREATE VIRTUAL TABLE postText USING fts5 (text, tokenize = '\(RetiredTokenizer.name)', detail = none, content = '');
                    CREATE VIRTUAL TABLE postTrigram USING fts5vocab (postText, 'row');
                    """)
        }
        migrator.registerMigration("search-v3") { db in
            // feedtui's own index (`SearchIndex`) in place of FTS5's, made from the posts' records a channel at a time.
            try db.execute(
                sql: """
                    -- A run of the index: the terms of posts of one copy of a channel, their rowids within first…last.
                    CREATE TABLE searchRun (
                        id INTEGER PRIMARY KEY,
                        channel INTEGER NOT NULL,
                        first INTEGER NOT NULL,
                        last INTEGER NOT NULL,
                        posts INTEGER NOT NULL,
                        joins INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX searchRun_channel ON searchRun (channel);
                    -- For each term of a run, the posts holding it (`PostingList`).
                    CREATE TABLE searchTerm (
                        run INTEGER NOT NULL,
                        term INTEGER NOT NULL,
                        posts BLOB NOT NULL,
                        PRIMARY KEY (run, term)
                    ) WITHOUT ROWID;
                    -- A post whose text changed: its entries in runs before `run` are void.
                    CREATE TABLE searchGone (
                        channel INTEGER NOT NULL,
                        post INTEGER NOT NULL,
                        run INTEGER NOT NULL,
                        PRIMARY KEY (channel, post)
                    ) WITHOUT ROWID;
                    DROP TABLE postTrigram;
                    DROP TABLE postText;
                    """)
            var maker = TermMaker()
            for channel in try Int64.fetchAll(db, sql: "SELECT id FROM channel") {
                let index = SearchIndexWriter(channel: channel)
                let posts = try Row.fetchCursor(db, sql: "SELECT rowid, record FROM post WHERE channel = ? ORDER BY rowid", arguments: [channel])
                while let post = try posts.next() {
                    guard let text = NativeRecordCoder.searchableText(post[1]) else { continue }
                    index.add(post[0], text: text, maker: &maker)
                    if index.isFull { try index.write(db) }
                }
                try index.write(db)
            }
        }
        migrator.registerMigration("writes-v1") { db in
            // How many transactions have written the library (`Library.write`): what a reader keeps from it between
            // reads (`OrderMap`) holds while the count has not moved.
            try db.execute(sql: "CREATE TABLE libraryWrite (count INTEGER NOT NULL); INSERT INTO libraryWrite VALUES (0)")
        }
        migrator.registerMigration("search-v4") { db in
            // Runs written from now on hold each join of two words (`SearchTerms.join`); those before, only trigrams
            // and characters: a search asks them no joins. (A library made by `search-v3` today has the column.)
            guard try !db.columns(in: "searchRun").contains(where: { $0.name == "joins" }) else { return }
            try db.execute(sql: "ALTER TABLE searchRun ADD COLUMN joins INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("order-v1") { db in
            // A channel's order as its import left it (`OrderMap.keep`): a search's first letter need not walk it.
            try db.execute(
                sql: """
                    CREATE TABLE keptOrder (
                        channel INTEGER NOT NULL,
                        "column" TEXT NOT NULL,
                        start INTEGER NOT NULL,
                        rowids BLOB NOT NULL,
                        PRIMARY KEY (channel, "column")
                    ) WITHOUT ROWID
                    """)
        }
        return migrator
    }()

    /// Files each channel a followed source or an imported file gave under that source's identity, with every
    /// vote, read mark, bookmark, position and view sample. A channel two sources shared (two feeds with one
    /// `<link>`) stays with the first; the marks go to both.
    private static func renameToIdentities(_ db: Database) throws {
        var renames: [(old: String, new: String)] = []
        for row in try Row.fetchAll(db, sql: "SELECT source, channelKey FROM refreshState") {
            let source = Source(row["source"] as String)
            let old: String? = row["channelKey"]
            if let old, old != source.identity { renames.append((old, source.identity)) }
            try db.execute(
                sql: "UPDATE refreshState SET channelKey = ? WHERE source = ?", arguments: [old.map { _ in source.identity }, source.text])
        }
        for row in try Row.fetchAll(db, sql: "SELECT path, channels FROM source") {
            let path: String = row["path"]
            guard let keys = try? JSONDecoder().decode([String].self, from: Data((row["channels"] as String).utf8)) else { continue }
            let new = keys.map { keys.count == 1 ? path : path + "#" + $0 }
            renames += zip(keys, new).filter { $0 != $1 }.map { ($0, $1) }
            try db.execute(sql: "UPDATE source SET channels = ? WHERE path = ?", arguments: [list(new), path])
        }
        for (old, new) in renames {
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM channel WHERE key = ?", arguments: [new]) == nil {
                try db.execute(sql: "UPDATE channel SET key = ? WHERE key = ?", arguments: [new, old])
            }
            try db.execute(sql: "INSERT OR IGNORE INTO userChannel (key, rating, lastSelected) SELECT ?, rating, lastSelected FROM userChannel WHERE key = ?", arguments: [new, old])
            for table in ["readMark", "bookmark", "viewSample"] {
                let columns = try db.columns(in: table).map(\.name).filter { $0 != "channelKey" }.joined(separator: ", ")
                try db.execute(
                    sql: "INSERT OR IGNORE INTO \(table) (channelKey, \(columns)) SELECT ?, \(columns) FROM \(table) WHERE channelKey = ?",
                    arguments: [new, old])
            }
        }
        // Marks of a key no channel has any more went to the channels that took them.
        for old in Set(renames.map(\.old)) where try Bool.fetchOne(db, sql: "SELECT 1 FROM channel WHERE key = ?", arguments: [old]) == nil {
            try db.execute(sql: "DELETE FROM userChannel WHERE key = ?", arguments: [old])
            for table in ["readMark", "bookmark", "viewSample"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE channelKey = ?", arguments: [old])
            }
        }
    }
}
