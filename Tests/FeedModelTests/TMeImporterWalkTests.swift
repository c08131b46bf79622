import XCTest

@testable import FeedModel

/// What the t.me importer's tree walk selects on markup the real pages rarely have, pinned to the values of the
/// XPath implementation it replaced: class tokens separated by tabs, a blank `datetime` in the date permalink,
/// `<time datetime>`s of video players, reply anchors without `href`, nested text and message elements, a second
/// link preview, a media class token not separated by a space, a header without title.
final class TMeImporterWalkTests: XCTestCase {
    static let html = """
        <!DOCTYPE html>
        <html><head><meta property="og:title"><meta property="og:title" content="  OG Title  "><meta property="og:description" content="x"></head>
        <body class="tgme_webpreview">
        <div class="tgme_channel_info">
        <div class="tgme_channel_info_header_username">
          <span>@<a>no href</a><a href="  https://t.me/edgechan ">edgechan</a></span></div>
        <div class="tgme_channel_info_description">Line one<br>Line <b>two</b> https://example.com/x.</div>
        <div class="tgme_channel_info_counter"><span class="counter_value">1.2K</span> <span class="counter_type">subscribers</span></div>
        <div class="tgme_channel_info_counter\tx"><span class="counter_value">1&nbsp;234</span> <span class="counter_type">photos</span></div>
        <div class="tgme_channel_info_counter"><span class="counter_value"> 3,4 </span> <span class="counter_type">videos</span></div>
        </div>
        <div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message\tservice_message" data-post=" edgechan/1 ">
          <div class="tgme_widget_message_text">Service <i>one</i></div>
          <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="x"><time datetime="">?</time><time datetime="2024-01-02T03:04:05+02:00">t</time></a></span>
          <time datetime="2024-02-02T00:00:00Z">x</time>
        </div></div>
        <div class="tgme_widget_message_wrap"><div class="tgme_widget_message service_message" data-post="edgechan/2">
          <a class="tgme_widget_message_reply">no href</a><a class="tgme_widget_message_reply" href=" https://t.me/edgechan/1?single ">r</a>
          <div class="tgme_widget_message_forwarded_from_name">  Fwd   <b>Name</b> </div>
          <div class="tgme_widget_message_text js-message_text">A <a href="https://a.example/1">link</a> and <a href="HTTP://B.example/2 ">B</a>, http://c.example/3)</div>
          <a class="tgme_widget_message_link_preview" href="https://preview.example/p"><div class="link_preview_site_name">Site</div><div class="link_preview_title">T</div></a>
          <a class="tgme_widget_message_link_preview" href="https://preview.example/q"><div class="link_preview_description">D2</div></a>
          <a class="tgme_widget_message_photo_wrap" style="width:100px;background-image:url('https://cdn.example/p.jpg')"></a>
          <a class="tgme_widget_message_photo_wrap\tx" style="background-image:url('https://cdn.example/q.jpg')"></a>
          <div class="tgme_widget_message_video_player"><video></video><video src=" https://cdn.example/v.mp4 "></video><time class="message_video_duration">1:02:03</time><time datetime="2024-03-03T00:00:00Z">d</time></div>
          <div class="tgme_widget_message_roundvideo_player js-x"><time class="tgme_widget_message_roundvideo_duration">0:21</time></div>
          <div class="tgme_widget_message_document_wrap"><div class="tgme_widget_message_document"><div class="tgme_widget_message_document_title">File.apk</div></div></div>
          <div class="tgme_widget_message_poll"><div class="tgme_widget_message_poll_question">Q?</div></div>
          <div class="tgme_widget_message_voice_player"></div><div class="tgme_widget_message_sticker_wrap"></div><div class="tgme_widget_message_location_wrap"></div>
          <div class="tgme_widget_message_footer"><span class="tgme_widget_message_views">12.5K</span><span class="tgme_widget_message_meta">Edited <a class="tgme_widget_message_date"><span><TIME DATETIME="2024-04-04T10:00:00-05:30">x</TIME></span></a></span></div>
        </div></div>
        <div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="edgechan/3">
          <div class="tgme_widget_message_text"><div class="tgme_widget_message_text">Nested text</div></div>
          <div class="tgme_widget_message" data-post="edgechan/4"><a class="tgme_widget_message_date"><time datetime="2024-05-05T05:05:05Z">n</time></a><span class="tgme_widget_message_views">7</span></div>
          <time class="tgme_widget_message_date" datetime="2024-06-06T06:06:06Z">self</time>
        </div></div>
        <div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="edgechan/5"><a class="tgme_widget_message_date"><time datetime="yesterday">y</time></a></div></div>
        <div class="tgme_widget_message_wrap"><div class="tgme_widget_message"><a class="tgme_widget_message_date"><time datetime="2024-01-01T00:00:00Z">y</time></a></div></div>
        <div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="edgechan/6"><div class="tgme_widget_message_text">unclosed <b>bold <div>and
        <div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="edgechan/7"><a class="tgme_widget_message_date"><time datetime="2024-07-07T07:07:07+00:00">z</time></a><div class="tgme_widget_message_text">Pre:<pre>  a
          b  </pre><ol><li>x</li><li>y<ul><li>z</li></ul></li></ol><table><tr><td>c1</td><td>c2</td></tr></table></div>
        <div class="tgme_channel_info_header_username">@later</div></div></div>
        </body></html>
        """

    func utc(_ s: String) -> Date { ISODate.parse(s)! }

    func testChannelWithoutTitle() throws {
        let c = try XCTUnwrap(TMeImporter.load(Data(Self.html.utf8)).first)
        XCTAssertEqual(c.title, "OG Title")  // the first <meta property="og:title"> with a content
        XCTAssertEqual(c.handle, "no hrefedgechan")
        XCTAssertEqual(c.url, "https://t.me/edgechan")  // the first <a> with an href
        XCTAssertEqual(c.description, "Line one\nLine two https://example.com/x.")
        XCTAssertEqual(c.subscribers, Count(1_200, approximate: true))
        XCTAssertEqual(c.counters.photos, Count(1_234))  // class "tgme_channel_info_counter<TAB>x"
        XCTAssertEqual(c.counters.videos, Count(34))
    }

    func testPostsAndSkips() throws {
        let c = try XCTUnwrap(TMeImporter.load(Data(Self.html.utf8)).first)
        // The message nested in edgechan/3 is a post of its own; edgechan/1 (a blank datetime in its date link) and
        // 5 (an unreadable one) are kept with an unknown date; one without data-post whose date link has no address
        // and edgechan/6 (cut short: no date link, no time) are skipped.
        XCTAssertEqual(c.publications.map(\.id), ["edgechan/1", "edgechan/2", "edgechan/3", "edgechan/4", "edgechan/5", "edgechan/7"])
        XCTAssertEqual(c.skipped.count, 2)
        XCTAssertEqual(c.skipped.firstLine, 38)
        XCTAssertNil(c.publications[0].date)
        XCTAssertNil(c.publications[4].date)
        XCTAssertEqual(c.publications[0].text, "Service one")

        let p2 = c.publications[1]
        // The <time> inside the date permalink, not the video player's earlier <time datetime>.
        XCTAssertEqual(p2.date, utc("2024-04-04T15:30:00Z"))
        XCTAssertEqual(p2.utcOffset, -19_800)
        XCTAssertTrue(p2.isService)
        XCTAssertTrue(p2.edited)
        XCTAssertEqual(p2.views, Count(12_500, approximate: true))
        XCTAssertEqual(p2.forwardedFrom, "Fwd Name")
        XCTAssertEqual(p2.replyTo, "edgechan/1")
        XCTAssertEqual(p2.text, "A link and B, http://c.example/3)")
        XCTAssertEqual(
            p2.links,
            ["https://a.example/1", "HTTP://B.example/2", "http://c.example/3", "https://preview.example/p"])
        XCTAssertEqual(p2.linkPreview, LinkPreview(site: "Site", title: "T", url: "https://preview.example/p"))
        XCTAssertEqual(p2.media, [
            Media(kind: .photo, url: "https://cdn.example/p.jpg"),
            Media(kind: .video, url: "https://cdn.example/v.mp4", duration: 3_723),
            Media(kind: .video, duration: 21),
            Media(kind: .file, name: "File.apk"),
            Media(kind: .poll, name: "Q?"),
            Media(kind: .voice), Media(kind: .sticker), Media(kind: .location),
        ])

        let p3 = c.publications[2]
        XCTAssertEqual(p3.text, "Nested text")
        XCTAssertEqual(p3.date, utc("2024-05-05T05:05:05Z"))  // the nested message's permalink comes first
        XCTAssertEqual(p3.views, Count(7))
        XCTAssertEqual(c.publications[3].text, "")
        XCTAssertEqual(c.publications[5].text, "Pre:\n\n  a\n  b  \n\n1. x\n2. y\n  • z\n\nc1 c2")
    }
}
