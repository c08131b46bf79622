import Foundation
import XCTest

@testable import FeedModel

/// Where each format's pictures come from, and that they stay with their posts through the native format.
final class PictureSourceTests: XCTestCase {
    private func post(_ channel: Channel, _ id: String) throws -> Publication {
        try XCTUnwrap(channel.publications.first { $0.id == id }, "post \(id)")
    }

    func testTMeVideoThumbnailsAndPreviewImagesFromRealPages() throws {
        let antichrist = try TMeImporterTests.load("statosphere-antichristone.html")
        let video = try XCTUnwrap(try post(antichrist, "antichristone/521").media.first { $0.kind == .video })
        XCTAssertEqual(video.thumbnail?.hasPrefix("https://cdn4.telegram-cdn.org/file/UzFvINhmTEsGAps9UVKm"), true)
        XCTAssertEqual(video.picture, video.thumbnail)
        let round = try XCTUnwrap(try post(antichrist, "antichristone/506").media.first { $0.kind == .video })
        XCTAssertEqual(round.thumbnail?.hasPrefix("https://cdn4.telegram-cdn.org/file/pFoSEiluKgjYcONBPvGe"), true)

        let topwar = try TMeImporterTests.load("any2feed-topwar-full.html")
        let preview = try XCTUnwrap(try post(topwar, "topwar_official/70996").linkPreview)
        XCTAssertEqual(preview.image?.hasPrefix("https://cdn4.telegram-cdn.org/file/tQZ711MVkJHq5TBc0Cy8"), true)
        XCTAssertEqual(try post(topwar, "topwar_official/70996").pictures.last, preview.image)
        // Every photo of the real pages has its picture, and every picture is an http(s) address.
        let photos = (antichrist.publications + topwar.publications).flatMap(\.media).filter { $0.kind == .photo }
        XCTAssertFalse(photos.isEmpty)
        XCTAssertTrue(photos.allSatisfy { $0.picture.map(HTMLText.isWebURL) == true })
    }

    func testTMeAddressThatIsNotHTTPIsNotKept() throws {
        let html = """
            <html><body><section><div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="x/1">
            <a class="tgme_widget_message_photo_wrap" style="background-image:url('file:///etc/passwd')"></a>
            <a class="tgme_widget_message_video_player"><i class="tgme_widget_message_video_thumb" style="background-image:url('javascript:alert(1)')"></i></a>
            <div class="tgme_widget_message_text">hi</div>
            <a class="tgme_widget_message_date" href="https://t.me/x/1"><time datetime="2024-01-01T10:00:00+00:00"></time></a>
            </div></div></section></body></html>
            """
        let p = try XCTUnwrap(try TMeImporter.load(Data(html.utf8)).first?.publications.first)
        XCTAssertEqual(p.media.map(\.kind), [.photo, .video])
        XCTAssertEqual(p.pictures, [])
    }

    func testTDesktopPhotoAndThumbnailPathsStayInsideTheExport() throws {
        let json = """
            {"name": "Export", "type": "public_channel", "id": 1, "messages": [
              {"id": 1, "type": "message", "date": "2021-05-01T12:00:00", "photo": "photos/photo_1@01-05-2021_12-00-00.jpg", "text": "a"},
              {"id": 2, "type": "message", "date": "2021-05-01T12:00:00", "file": "video_files/v.mp4", "thumbnail": "video_files/v.mp4_thumb.jpg",
               "media_type": "video_file", "text": "b"},
              {"id": 3, "type": "message", "date": "2021-05-01T12:00:00", "photo": "../../etc/passwd", "text": "c"},
              {"id": 4, "type": "message", "date": "2021-05-01T12:00:00", "photo": "/etc/passwd", "text": "d"},
              {"id": 5, "type": "message", "date": "2021-05-01T12:00:00", "photo": "(File not included. Change data exporting settings to download.)", "text": "e"},
              {"id": 6, "type": "message", "date": "2021-05-01T12:00:00", "photo": "http://example.org/x.jpg", "text": "f"}
            ]}
            """
        let ch = try XCTUnwrap(try TDesktopImporter.load(Data(json.utf8)).first)
        XCTAssertEqual(try post(ch, "1").pictures, ["photos/photo_1@01-05-2021_12-00-00.jpg"])
        XCTAssertEqual(try post(ch, "2").media.first?.thumbnail, "video_files/v.mp4_thumb.jpg")
        XCTAssertEqual(try post(ch, "2").pictures, ["video_files/v.mp4_thumb.jpg"])
        // A way out of the folder, an absolute path, the "not included" note and a scheme are no pictures; the
        // photo marker stays.
        for id in ["3", "4", "5", "6"] {
            XCTAssertEqual(try post(ch, id).pictures, [], "post \(id)")
            XCTAssertEqual(try post(ch, id).media.map(\.kind), [.photo], "post \(id)")
        }
    }

    func testRSSImageEnclosureMediaThumbnailAndFirstImg() throws {
        let xml = """
            <?xml version="1.0"?>
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>F</title><link>https://example.org/blog/</link>
            <item><guid>1</guid><title>Enclosure</title><enclosure url="https://example.org/a.jpg" type="image/jpeg" length="10"/>
              <description>&lt;p&gt;x &lt;img src="https://example.org/ignored.png"&gt;&lt;/p&gt;</description></item>
            <item><guid>2</guid><title>Media</title><media:content url="https://example.org/b.png" medium="image"/>
              <media:thumbnail url="https://example.org/c.jpg"/></item>
            <item><guid>3</guid><title>Body</title>
              <description>&lt;p&gt;Before &lt;img src="img/d.webp"&gt; &lt;img src="https://example.org/e.png"&gt; after.&lt;/p&gt;</description></item>
            <item><guid>4</guid><title>Not web</title><description>&lt;img src="file:///etc/passwd"&gt; text</description></item>
            <item><guid>5</guid><title>Audio</title><enclosure url="https://example.org/a.mp3" type="audio/mpeg"/></item>
            </channel></rss>
            """
        let ch = try RSSImporterTests.load(Data(xml.utf8))
        XCTAssertEqual(try post(ch, "1").pictures, ["https://example.org/a.jpg"])
        XCTAssertEqual(try post(ch, "2").pictures, ["https://example.org/b.png", "https://example.org/c.jpg"])
        // The first <img> of the body, made absolute against the channel's link.
        XCTAssertEqual(try post(ch, "3").pictures, ["https://example.org/blog/img/d.webp"])
        XCTAssertEqual(try post(ch, "3").text, "Body\n\nBefore after.")
        XCTAssertEqual(try post(ch, "4").pictures, [])
        XCTAssertEqual(try post(ch, "5").pictures, [])
    }

    func testPicturesRoundTripTheNativeFormat() throws {
        var p = Publication(id: "1", date: nil, text: "t")
        p.media = [
            Media(kind: .photo, url: "photos/p.jpg"), Media(kind: .video, url: "https://example.org/v.mp4", thumbnail: "https://example.org/v.jpg"),
        ]
        p.linkPreview = LinkPreview(title: "T", url: "https://example.org/", image: "https://example.org/i.png")
        let channel = Channel(title: "C", publications: [p])
        let back = try XCTUnwrap(try NativeJSON.load(NativeJSON.encode([channel])).first?.publications.first)
        XCTAssertEqual(back, p)
        XCTAssertEqual(back.pictures, ["photos/p.jpg", "https://example.org/v.jpg", "https://example.org/i.png"])
    }
}
