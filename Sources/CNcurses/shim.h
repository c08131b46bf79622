// The wide-character curses API is only declared with these set before the header.
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

// Macros and C globals are not visible (or not concurrency-safe) from Swift 6: wrap them.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cn_color_pair(short n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline mmask_t cn_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
static inline int cn_key_resize(void) { return KEY_RESIZE; }


#include <ncursesw/term.h>

// Whether the terminal named by $TERM can place the cursor: 1 yes, 0 no (dumb), -1 not in terminfo.
// Reads terminfo only; nothing is written to the terminal.
static inline int cn_terminal_can_address(void) {
    int err = 0;
    if (setupterm(NULL, 1, &err) != OK) return -1;
    char *cup = tigetstr("cup");
    int ok = cup != NULL && cup != (char *)-1;
    del_curterm(cur_term);
    return ok;
}
