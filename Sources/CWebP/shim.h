#include <stdint.h>
#include <webp/decode.h>
