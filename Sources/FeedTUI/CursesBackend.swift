import CNcurses
import FeedModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Signals only set this flag (an atomic store is safe in a handler); the event loop polls it and restores
/// the terminal in normal code.
private let receivedSignal = Atomic<Int32>(0)

/// The only file that talks to ncurses: reads keys, draws a Grid, restores the terminal.
final class CursesBackend {
    private var previous: Grid?
    private let colorPairs: Bool
    /// Colour pairs made so far, by (foreground, background) as the terminal can show them; -1 is its default.
    private var pairs: [[Int16]: Int16] = [:]

    init(useColor: Bool) {
        setlocale(LC_ALL, "")
        // Without a UTF-8 locale (a bare root shell has none) curses would draw every non-ASCII character as
        // escapes; the text is UTF-8 whatever the locale says, so ask for C.UTF-8's character handling.
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        if isatty(STDIN_FILENO) == 1 {
            initscr()
        } else {
            // Standard input carries the feed (`feedtui -`): read keys from the terminal itself.
            newterm(nil, fdopen(STDOUT_FILENO, "w"), fopen("/dev/tty", "r"))
        }
        cbreak()
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        mousemask(cn_all_mouse_events(), nil)
        mouseinterval(0)
        var colors = false
        if useColor, has_colors() {
            start_color()
            // The terminal's own background stays wherever a style does not set one.
            use_default_colors()
            colors = true
        }
        colorPairs = colors
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { receivedSignal.store($0, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
        // A file being imported is read mapped (FeedLoader): cut short by another program meanwhile, reading past its
        // new end raises SIGBUS. The terminal is given back and the reason said; the library, written in
        // transactions, keeps what it had.
        var bus = sigaction()
        bus.__sigaction_handler.sa_handler = { _ in
            endwin()
            let message: StaticString = "\nfeedtui: a file being read was cut short by another program (SIGBUS); the library keeps what it had\n"
            _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
            _exit(1)
        }
        sigemptyset(&bus.sa_mask)
        sigaction(SIGBUS, &bus, nil)
    }

    /// Why the terminal cannot show the screen (no cursor addressing, or unknown to terminfo), or nil. Checked
    /// before anything is drawn, so such a terminal gets one line instead of a garbled screen.
    static func unusableTerminal(named term: String?) -> String? {
        let name = term.map { "\"\($0)\"" } ?? "(TERM is not set)"
        switch cn_terminal_can_address() {
        case 1: return nil
        case 0: return "the terminal \(name) cannot place the cursor; pipe the output (feedtui SOURCE | less) for the plain post list"
        default: return "the terminal \(name) is not in the terminfo database; set TERM, or pipe the output (feedtui SOURCE | less) for the plain post list"
        }
    }

    func end() {
        endwin()
    }

    /// Hands the terminal to another program (a terminal browser) and takes it back.
    func suspended<T>(_ work: () -> T) -> T {
        def_prog_mode()
        endwin()
        let result = work()
        reset_prog_mode()
        previous = nil
        return result
    }

    var size: Size { Size(width: Int(cn_cols()), height: Int(cn_lines())) }

    /// The colours the terminal shows; 0 without colour (monochrome, NO_COLOR).
    var colors: Int { colorPairs ? Int(cn_colors()) : 0 }

    /// The signal that asked us to stop, if any (SIGINT, SIGTERM, SIGHUP).
    func pendingSignal() -> Int32? {
        let s = receivedSignal.exchange(0, ordering: .relaxed)
        return s == 0 ? nil : s
    }

    /// Waits up to `timeoutMs` for input.
    func nextEvent(timeoutMs: Int32) -> Event? {
        wtimeout(cn_stdscr(), timeoutMs)
        var ch: wint_t = 0
        let rc = wget_wch(cn_stdscr(), &ch)
        if rc == ERR { return nil }
        let code = Int32(ch)
        if rc == KEY_CODE_YES {
            switch code {
            case cn_key_resize(): return .resize(size)
            case cn_key_mouse(): return mouse()
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_BTAB: return .key(.backTab)
            default: return nil
            }
        }
        switch code {
        case 13, 10: return .key(.enter)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 127, 8: return .key(.backspace)
        case 1...26: return Unicode.Scalar(UInt32(code) + 96).map { .key(.ctrl(Character($0))) }
        default: return Unicode.Scalar(UInt32(code)).map { .key(.char(Character($0))) }
        }
    }

    private func mouse() -> Event? {
        var m = MEVENT()
        guard getmouse(&m) == OK else { return nil }
        if m.bstate & cn_button4_pressed() != 0 { return .mouse(.wheel(up: true, x: Int(m.x), y: Int(m.y))) }
        if m.bstate & cn_button5_pressed() != 0 { return .mouse(.wheel(up: false, x: Int(m.x), y: Int(m.y))) }
        if m.bstate & (cn_button1_pressed() | cn_button1_clicked()) != 0 {
            return .mouse(.click(x: Int(m.x), y: Int(m.y)))
        }
        return nil
    }

    /// Draws the cells that changed since the last frame (all of them after a resize or Ctrl-L).
    func draw(_ grid: Grid, force: Bool = false) {
        let old = force || previous?.width != grid.width || previous?.height != grid.height ? nil : previous
        if old == nil { werase(cn_stdscr()) }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if let old, old[x, y] == cell { continue }
                guard cell.width > 0 else { continue }
                put(cell, x, y)
            }
        }
        if force { clearok(cn_stdscr(), true) }
        wrefresh(cn_stdscr())
        previous = grid
    }

    /// A cell is one spacing character and at most four zero-width ones (`DisplayWidth.glyphs`), all of which
    /// curses keeps; it places them by `wcwidth`, whose widths the grid already used.
    private func put(_ cell: Cell, _ x: Int, _ y: Int) {
        let style = cell.style
        var attrs = cn_a_normal()
        if style.bold { attrs |= cn_a_bold() }
        if style.dim { attrs |= cn_a_dim() }
        if style.reverse { attrs |= cn_a_reverse() }
        if style.underline { attrs |= cn_a_underline() }
        let pair = colorPairs ? self.pair(style) : 0
        var wchars = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
        var cc = cchar_t()
        if setcchar(&cc, &wchars, attrs, pair, nil) != OK {
            var fallback: [wchar_t] = [wchar_t(0xFFFD), 0]
            setcchar(&cc, &fallback, attrs, pair, nil)
        }
        mvwadd_wch(cn_stdscr(), Int32(y), Int32(x), &cc)
    }

    /// The pair for a style's colours, made on first use; pair 0 (the terminal's colours) when they run out.
    private func pair(_ style: Style) -> Int16 {
        guard style.foreground != nil || style.background != nil else { return 0 }
        let fg = style.foreground.map { Palette.fit($0, colors: Int(cn_colors())) } ?? -1
        let bg = style.background.map { Palette.fit($0, colors: Int(cn_colors())) } ?? -1
        if let p = pairs[[fg, bg]] { return p }
        let next = Int16(pairs.count + 1)
        guard Int(next) < cn_color_pairs(), init_pair(next, fg, bg) == OK else { return 0 }
        pairs[[fg, bg]] = next
        return next
    }
}
