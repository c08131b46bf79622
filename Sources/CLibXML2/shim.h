// Debian's libxml2 is built with ICU; its ICU declarations clash with Foundation's own ICU module.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

// xmlFree is a C global function pointer: not visible as concurrency-safe from Swift 6.
static inline void cx_free(void *p) { xmlFree(p); }

// The thread's structured error handler (a macro over a per-thread global): saved, replaced by one that drops
// errors, and restored around a parse that runs inside another parser's callbacks.
static inline void cx_ignore_error(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }
static inline xmlStructuredErrorFunc cx_structured_error(void) { return xmlStructuredError; }
static inline void *cx_structured_error_context(void) { return xmlStructuredErrorContext; }
static inline void cx_silence_structured_errors(void) { xmlSetStructuredErrorFunc(NULL, cx_ignore_error); }
