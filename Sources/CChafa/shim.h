#include <stdint.h>
#include <chafa.h>

// The columns and rows a picture of width x height pixels takes at most max_cols x max_rows cells, its shape
// kept (a cell is twice as tall as it is wide).
static inline void cchafa_geometry(int width, int height, int max_cols, int max_rows, int *cols, int *rows) {
    gint c = max_cols, r = max_rows;
    chafa_calc_canvas_geometry(width, height, &c, &r, 0.5f, TRUE, FALSE);
    *cols = c;
    *rows = r;
}

// Draws RGBA pixels (unassociated alpha) as cols x rows cells of block symbols in the 240 fixed colours of the
// 256-colour palette (16-255: the same in every terminal, whatever its theme): for each cell its character and
// the palette indexes of its foreground and background (-1: none). Returns 0 when chafa could not make a canvas.
static inline int cchafa_draw(const uint8_t *rgba, int width, int height, int cols, int rows,
                              uint32_t *chars, int16_t *fg, int16_t *bg) {
    ChafaSymbolMap *map = chafa_symbol_map_new();
    chafa_symbol_map_add_by_tags(map, CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE);
    // Only symbols one column wide in every terminal.
    chafa_symbol_map_remove_by_tags(map, CHAFA_SYMBOL_TAG_WIDE | CHAFA_SYMBOL_TAG_AMBIGUOUS);
    chafa_symbol_map_add_by_tags(map, CHAFA_SYMBOL_TAG_HALF | CHAFA_SYMBOL_TAG_QUAD);
    ChafaCanvasConfig *config = chafa_canvas_config_new();
    chafa_canvas_config_set_geometry(config, cols, rows);
    chafa_canvas_config_set_canvas_mode(config, CHAFA_CANVAS_MODE_INDEXED_240);
    chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_SYMBOLS);
    chafa_canvas_config_set_symbol_map(config, map);
    ChafaCanvas *canvas = chafa_canvas_new(config);
    int ok = 0;
    if (canvas) {
        chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGBA8_UNASSOCIATED, rgba, width, height, width * 4);
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                gint f = -1, b = -1;
                chafa_canvas_get_raw_colors_at(canvas, x, y, &f, &b);
                chars[y * cols + x] = chafa_canvas_get_char_at(canvas, x, y);
                fg[y * cols + x] = (int16_t)f;
                bg[y * cols + x] = (int16_t)b;
            }
        }
        chafa_canvas_unref(canvas);
        ok = 1;
    }
    chafa_canvas_config_unref(config);
    chafa_symbol_map_unref(map);
    return ok;
}
