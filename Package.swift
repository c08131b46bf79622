// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "feedtui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "feedtui", targets: ["FeedTUICommand"]),
        .library(name: "FeedModel", targets: ["FeedModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CFriBidi", pkgConfig: "fribidi",
            providers: [.apt(["libfribidi-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // Pictures in a post: decoded by Debian's libjpeg-turbo, libpng and libwebp, drawn as cells by libchafa.
        .systemLibrary(
            name: "CChafa", pkgConfig: "chafa",
            providers: [.apt(["libchafa-dev", "libglib2.0-dev"])]),
        .systemLibrary(
            name: "CJpeg", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(
            name: "CPng", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CWebP", pkgConfig: "libwebp",
            providers: [.apt(["libwebp-dev"])]),
        .target(
            name: "FeedModel",
            dependencies: ["CLibXML2", "CFriBidi"]),
        // The only code that talks to the database or the network.
        .target(
            name: "FeedLibrary",
            dependencies: [
                "FeedModel", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own API, for what GRDB does not give: a read abandoned when no longer wanted.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // The whole reader as a library, so that tests and the fuzz targets (FUZZING.md) link it.
        .target(
            name: "FeedTUI",
            dependencies: [
                "FeedModel", "FeedLibrary", "CNcurses", "CChafa", "CJpeg", "CPng", "CWebP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        // The program: its entry only.
        .executableTarget(name: "FeedTUICommand", dependencies: ["FeedTUI"]),
        .testTarget(
            name: "FeedModelTests",
            dependencies: ["FeedModel"],
            resources: [.copy("Resources")]),
        .testTarget(
            name: "FeedLibraryTests",
            dependencies: [
                "FeedLibrary", "FeedModel",
                // The tests forge newer and damaged databases.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Resources"]),
        .testTarget(
            name: "FeedTUITests",
            dependencies: ["FeedTUI", "FeedModel", "FeedLibrary"],
            exclude: ["Goldens", "Pictures"]),
    ]
)

// Release builds leave out the run-time checks of exclusive access to class properties and globals, which were
// 3.5% of an import's instructions (BENCHMARKS, tenth stop). The debug build the tests run keeps them, and so do the
// fuzz targets.
if Context.environment["FEEDTUI_FUZZ"] != "1" {
    for target in package.targets where target.type == .regular || target.type == .executable {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    }
}

// Fuzz targets (FUZZING.md, `make fuzz`): one libFuzzer executable per input surface, checking the invariants of
// Fuzz/Harness. Built only with FEEDTUI_FUZZ=1 and -sanitize=fuzzer,address; libFuzzer brings the `main`, so the
// program and the tests are left out of that build.
let fuzzSurfaces = ["detect", "page", "json", "tdesktop", "tme", "rss", "opml", "config", "channels", "html", "query", "draw"]
if Context.environment["FEEDTUI_FUZZ"] == "1" {
    package.products.removeAll()
    package.targets.removeAll { $0.type == .test || $0.type == .executable }
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    package.targets.append(.target(name: "FuzzHarness", dependencies: ["CLibFuzzer", "FeedModel", "FeedLibrary", "FeedTUI"], path: "Fuzz/Harness"))
    for surface in fuzzSurfaces {
        package.targets.append(.executableTarget(name: "fuzz-\(surface)", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/\(surface)"))
    }
}
