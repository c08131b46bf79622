import CChafa
import FeedModel

/// A picture drawn by libchafa as rows of block symbols, each cell with a foreground and a background of the 256-colour
/// palette's 240 fixed colours: ordinary cells of the `Grid`, so any terminal with 256 colours shows it, `feedtui
/// screen` prints it, and the post scrolls over it as over text.
enum PictureCells {
    /// At most `columns` × `rows` cells, the picture's shape kept (a cell is twice as tall as wide).
    static func draw(_ pixels: Pixels, columns: Int, rows: Int) -> [StyledLine] {
        guard columns > 0, rows > 0, pixels.width > 0, pixels.height > 0 else { return [] }
        var cols: Int32 = 0
        var lines: Int32 = 0
        cchafa_geometry(Int32(pixels.width), Int32(pixels.height), Int32(columns), Int32(rows), &cols, &lines)
        let (w, h) = (Int(max(1, cols)), Int(max(1, lines)))
        var chars = [UInt32](repeating: 0x20, count: w * h)
        var fg = [Int16](repeating: -1, count: w * h)
        var bg = [Int16](repeating: -1, count: w * h)
        let drawn = cchafa_draw(pixels.rgba, Int32(pixels.width), Int32(pixels.height), Int32(w), Int32(h), &chars, &fg, &bg)
        guard drawn != 0 else { return [] }
        return (0..<h).map { y in
            var line: StyledLine = []
            for x in 0..<w {
                let i = y * w + x
                // Only one-column symbols were allowed; anything else is a space in the cell's background.
                let symbol = Unicode.Scalar(chars[i]).map { DisplayWidth.of(Character($0)) == 1 ? Character($0) : " " } ?? " "
                let style = Style(foreground: palette(fg[i]), background: palette(bg[i]))
                if line.last?.style == style {
                    line[line.count - 1].text.append(symbol)
                } else {
                    line.append(Span(text: String(symbol), style: style))
                }
            }
            return line
        }
    }

    private static func palette(_ index: Int16) -> UInt8? { (0...255).contains(index) ? UInt8(index) : nil }
}
