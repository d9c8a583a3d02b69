/* `long double` through the typed path: records holding one by value, callbacks taking and
 * returning one, and what C itself makes of libm's long double functions and of the format,
 * for comparing with the Rust side byte by byte. */

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Exactly a long double: passed in memory, returned in st0 on x86-64. */
typedef struct { long double x; } LdOnly;
/* 32 bytes: passed and returned in memory. */
typedef struct { long double x; int n; } LdTagged;
/* A double, then a long double at offset 16. */
typedef struct { double d; long double x; } LdPair;

LdOnly ld_only_scale(LdOnly v, long double k) { v.x *= k; return v; }
LdTagged ld_tagged_next(LdTagged v) { v.x = v.x * 3 + 1; v.n += 1; return v; }
long double ld_tagged_sum(LdTagged v, LdOnly w, int k) { return v.x + w.x * k + v.n; }
LdPair ld_pair_swap(LdPair p) { LdPair q = { (double)p.x, (long double)p.d + 0x1p-60L }; return q; }
size_t ld_pair_size(void) { return sizeof(LdPair); }
size_t ld_pair_offset_x(void) { return offsetof(LdPair, x); }

/* The long double `mantissa × 2^exp`, its bytes (padding zero), its text as `%.21Lg` writes
 * it, and its nearest double. */
static long double ld_make(unsigned long long mantissa, int exp) { return ldexpl((long double)mantissa, exp); }
void ld_bytes_of(unsigned long long mantissa, int exp, unsigned char out[16])
{
    long double x = ld_make(mantissa, exp);
    memset(out, 0, 16);
    memcpy(out, &x, 10);
}
void ld_text_of(unsigned long long mantissa, int exp, char *out, size_t size)
{
    snprintf(out, size, "%.21Lg", ld_make(mantissa, exp));
}
double ld_double_of(unsigned long long mantissa, int exp) { return (double)ld_make(mantissa, exp); }
/* -1, 0 or 1 as the first value is below, equal to or above the second. */
int ld_compare(unsigned long long m1, int e1, unsigned long long m2, int e2)
{
    long double a = ld_make(m1, e1), b = ld_make(m2, e2);
    return (a > b) - (a < b);
}

/* What libm gives when C calls it: `which` 0 sqrtl(a), 1 fabsl(a), 2 ldexpl(a, (int)b),
 * 3 nextafterl(a, b). */
void ld_libm_reference(int which, double a, double b, unsigned char out[16])
{
    long double r = 0;
    switch (which) {
    case 0: r = sqrtl(a); break;
    case 1: r = fabsl(a); break;
    case 2: r = ldexpl(a, (int)b); break;
    case 3: r = nextafterl(a, b); break;
    }
    memset(out, 0, 16);
    memcpy(out, &r, 10);
}

/* Callbacks of long double values, called from C. */
typedef long double (*ld_step)(long double x, int i);
long double ld_fold(ld_step f, long double x, int n)
{
    long double acc = 0;
    for (int i = 0; i < n; i++)
        acc += f(x + i, i);
    return acc;
}
typedef LdTagged (*ld_tagged_step)(LdTagged v);
long double ld_fold_tagged(ld_tagged_step f, long double x)
{
    LdTagged v = { x, 1 };
    v = f(f(v));
    return v.x + v.n;
}
