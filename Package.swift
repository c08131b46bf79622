// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "feedtui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "feedtui", targets: ["FeedTUI"]),
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
            ]),
        .executableTarget(
            name: "FeedTUI",
            dependencies: [
                "FeedModel", "FeedLibrary", "CNcurses", "CChafa", "CJpeg", "CPng", "CWebP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
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
