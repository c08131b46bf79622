#include <stdint.h>
#include <string.h>
#include <png.h>

// libpng's simplified API reports errors by return value (no longjmp across Swift).
// The size a PNG says it has, read from its header alone; 0 when it is not a readable PNG.
static inline int cpng_size(const uint8_t *data, size_t size, uint32_t *width, uint32_t *height) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) return 0;
    *width = image.width;
    *height = image.height;
    png_image_free(&image);
    return 1;
}

// Decodes into `out` (width x height x 4 bytes, RGBA); 0 on a damaged or cut file (message in `error`).
static inline int cpng_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size, char *error, size_t error_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        snprintf(error, error_size, "%s", image.message);
        return 0;
    }
    image.format = PNG_FORMAT_RGBA;
    if (PNG_IMAGE_SIZE(image) != out_size) {
        png_image_free(&image);
        snprintf(error, error_size, "size changed");
        return 0;
    }
    if (!png_image_finish_read(&image, NULL, out, 0, NULL)) {
        snprintf(error, error_size, "%s", image.message);
        png_image_free(&image);
        return 0;
    }
    return 1;
}
