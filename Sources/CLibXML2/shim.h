// Debian's libxml2 is built with ICU; its ICU declarations clash with Foundation's own ICU module.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xmlerror.h>

// xmlFree is a C global function pointer: not visible as concurrency-safe from Swift 6.
static inline void cx_free(void *p) { xmlFree(p); }
