#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

// libjpeg's default error handler exits the process; this one jumps back here (never across Swift frames), and a
// warning (data cut short, a corrupt segment) counts as an error: a damaged picture is refused, not half drawn.
struct cjpeg_error {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static inline void cjpeg_fail(j_common_ptr info) { longjmp(((struct cjpeg_error *)info->err)->jump, 1); }

static inline void cjpeg_warn(j_common_ptr info, int level) {
    if (level < 0) longjmp(((struct cjpeg_error *)info->err)->jump, 1);
}

// With `out` NULL: the size the JPEG's header claims, in *width and *height. Else decodes it at 1/`denominator`
// (1, 2, 4 or 8) as RGBA into `out`, which holds *width x *height x 4 bytes for the size it has at that scale (each
// side divided, rounded up). Returns 0 (message in `error`) on any fault; libjpeg never holds more than
// `max_memory` bytes of its own.
static inline int cjpeg_read(const uint8_t *data, size_t size, unsigned denominator, long max_memory,
                             uint32_t *width, uint32_t *height, uint8_t *out, char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    struct cjpeg_error err;
    memset(&info, 0, sizeof info);
    info.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = cjpeg_fail;
    err.mgr.emit_message = cjpeg_warn;
    if (setjmp(err.jump)) {
        err.mgr.format_message((j_common_ptr)&info, error);
        jpeg_destroy_decompress(&info);
        return 0;
    }
    jpeg_create_decompress(&info);
    info.mem->max_memory_to_use = max_memory;
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if (out == NULL) {
        *width = info.image_width;
        *height = info.image_height;
        jpeg_destroy_decompress(&info);
        return 1;
    }
    info.out_color_space = JCS_EXT_RGBA;
    info.scale_num = 1;
    info.scale_denom = denominator;
    jpeg_start_decompress(&info);
    if (info.output_width != *width || info.output_height != *height || info.output_components != 4) {
        snprintf(error, error_size, "unexpected size");
        jpeg_destroy_decompress(&info);
        return 0;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = out + (size_t)info.output_scanline * info.output_width * 4;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return 1;
}
