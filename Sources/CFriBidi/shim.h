// GNU FriBidi resolves the bidi levels; Swift then reorders whole grapheme clusters by them (rule L2).
// The type macros are not imported into Swift, hence these wrappers.
#include <stdlib.h>
#include <fribidi.h>

// The direction of the first strong character (rules P2–P3): 1 right to left, 0 left to right, -1 none.
static inline int cfb_first_strong(const FriBidiChar *str, int len) {
    for (int i = 0; i < len; i++) {
        FriBidiCharType t = fribidi_get_bidi_type(str[i]);
        if (FRIBIDI_IS_LETTER(t)) return FRIBIDI_IS_RTL(t) ? 1 : 0;
    }
    return -1;
}

// Resolved embedding levels of one line with the given base direction, trailing white space reset to the base
// level (rule L1). Returns 0 when out of memory.
static inline int cfb_line_levels(const FriBidiChar *str, int len, int rtl, FriBidiLevel *levels) {
    if (len <= 0) return 1;
    FriBidiCharType *types = malloc(sizeof(FriBidiCharType) * (size_t)len);
    FriBidiBracketType *brackets = malloc(sizeof(FriBidiBracketType) * (size_t)len);
    int ok = types != NULL && brackets != NULL;
    if (ok) {
        FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
        fribidi_get_bidi_types(str, len, types);
        fribidi_get_bracket_types(str, len, types, brackets);
        ok = fribidi_get_par_embedding_levels_ex(types, brackets, len, &base, levels) != 0;
        for (int i = len - 1; ok && i >= 0 && FRIBIDI_IS_EXPLICIT_OR_BN_OR_WS(types[i]); i--) levels[i] = rtl ? 1 : 0;
    }
    free(types);
    free(brackets);
    return ok;
}
