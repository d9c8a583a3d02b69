/* The C side of the call tests: scalars, many arguments, pointers, strings, variadic
 * functions, errno, globals and function pointers. Records by value are in records.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

#include "fixture.h"

/* Each scalar type: identity, and arithmetic done in the type. */
#define SCALAR(T, name)                                                                        \
    T id_##name(T x) { return x; }                                                             \
    T add_##name(T a, T b) { return (T)(a + b); }                                              \
    long long as_ll_##name(T x) { return (long long)x; }
SCALAR(char, char)
SCALAR(signed char, schar)
SCALAR(unsigned char, uchar)
SCALAR(short, short)
SCALAR(unsigned short, ushort)
SCALAR(int, int)
SCALAR(unsigned int, uint)
SCALAR(long, long)
SCALAR(unsigned long, ulong)
SCALAR(long long, llong)
SCALAR(unsigned long long, ullong)
SCALAR(int8_t, i8)
SCALAR(uint8_t, u8)
SCALAR(int16_t, i16)
SCALAR(uint16_t, u16)
SCALAR(int32_t, i32)
SCALAR(uint32_t, u32)
SCALAR(int64_t, i64)
SCALAR(uint64_t, u64)
SCALAR(size_t, size)
SCALAR(ssize_t, ssize)
SCALAR(wchar_t, wchar)
SCALAR(float, float)
SCALAR(double, double)
SCALAR(long double, ldouble)

bool id_bool(bool x) { return x; }
bool not_bool(bool x) { return !x; }
int bool_to_int(bool x) { return x ? 1 : 0; }
/* Upper bits of a narrow argument must not matter: GCC does not extend them in the callee. */
int sum_narrow(signed char a, unsigned char b, short c, unsigned short d) { return a + b + c + d; }
long double ld_mul(long double a, long double b) { return a * b; }
/* 2^60 + 1: exact in the x87 format's 64-bit mantissa, not in a double's 53 bits. */
long double ld_big(void) { return 1152921504606846976.0L + 1.0L; }
int ld_is_big_plus(long double x, int k) { return x == 1152921504606846976.0L + (long double)k; }

/* Many arguments: six integer and eight SSE registers, the rest on the stack. */
double many_mixed(int a, double b, long c, float d, short e, double f, unsigned char g, float h,
                  long long i, double j, int k, float l, double m, double n, double o, double p,
                  int q, unsigned r, long s, float t) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j + 11 * k
        + 12 * l + 13 * m + 14 * n + 15 * o + 16 * p + 17 * q + 18 * (double)r + 19 * s + 20 * t;
}
long long many_ints(int a, long b, short c, long long d, signed char e, int f, long g,
                    unsigned h, int i, long long j, int k, short l) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * (long long)h + 9 * i + 10 * j
        + 11 * k + 12 * l;
}
double many_doubles(double a, double b, double c, double d, double e, double f, double g,
                    double h, double i, double j, double k) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j + 11 * k;
}
float many_floats(float a, float b, float c, float d, float e, float f, float g, float h,
                  float i, float j) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}
int add(int a, int b) { return a + b; }
long sum6(long a, long b, long c, long d, long e, long f) { return a + b + c + d + e + f; }
double hypot2(double x, double y) { return x * x + y * y; }
void do_nothing(void) {}

/* Out-parameters and arrays. */
int divmod(int a, int b, int *quotient, int *remainder) {
    if (b == 0) return -1;
    *quotient = a / b;
    *remainder = a % b;
    return 0;
}
void fill_point(D2 *p, double x, double y) { p->x = x; p->y = y; }
double point_norm2(const D2 *p) { return p->x * p->x + p->y * p->y; }
long long sum_ints(const int *xs, size_t n) {
    long long total = 0;
    for (size_t i = 0; i < n; i++) total += xs[i];
    return total;
}
void scale_doubles(double *xs, size_t n, double k) {
    for (size_t i = 0; i < n; i++) xs[i] *= k;
}
int is_null(const void *p) { return p == NULL; }
/* Walks a linked list: next pointers written from the Rust side. */
typedef struct Node { int value; struct Node *next; } Node;
int list_sum(const Node *n) {
    int total = 0;
    for (; n != NULL; n = n->next) total += n->value;
    return total;
}

/* Strings in and out. */
size_t str_len(const char *s) { return strlen(s); }
const char *greeting(void) { return "hello from C"; }
char *str_upper_dup(const char *s) {
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    for (size_t i = 0; i <= n; i++) out[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
    return out;
}
void free_str(char *s) { free(s); }
int write_name(char *buf, size_t cap) { return snprintf(buf, cap, "fixture-%d", 7); }
size_t wstr_len(const wchar_t *s) { return wcslen(s); }
/* The checksum of a byte string, so embedded bytes above 127 are seen as C sees them. */
unsigned long bytes_sum(const unsigned char *s) {
    unsigned long total = 0;
    for (size_t i = 0; s[i]; i++) total += (i + 1) * s[i];
    return total;
}

/* Variadic. */
/* Placed at a 256-byte boundary, so that the low byte of its address is 0: declared (wrongly, but
 * commonly) as `double first_variadic_double(int, double)`, it reads its double right only if the
 * caller sets `al` to the number of vector registers carrying arguments, as libffi does. */
__attribute__((aligned(256), noinline)) double first_variadic_double(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double d = n > 0 ? va_arg(ap, double) : 0;
    va_end(ap);
    return d;
}

int format(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
double sum_doubles(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double total = 0;
    for (int i = 0; i < n; i++) total += (i + 1) * va_arg(ap, double);
    va_end(ap);
    return total;
}
/* `types` spells each variadic argument: i int, u unsigned, l long long, d double, p pointer,
 * s string (its length counts). Weighted so that order and every value matter. */
double sum_typed(const char *types, ...) {
    va_list ap;
    va_start(ap, types);
    double total = 0;
    for (int k = 1; *types; types++, k++) {
        switch (*types) {
        case 'i': total += k * (double)va_arg(ap, int); break;
        case 'u': total += k * (double)va_arg(ap, unsigned); break;
        case 'l': total += k * (double)va_arg(ap, long long); break;
        case 'd': total += k * va_arg(ap, double); break;
        case 'p': total += k * (double)(va_arg(ap, void *) != NULL); break;
        case 's': total += k * (double)strlen(va_arg(ap, const char *)); break;
        default: total = -1e300; break;
        }
    }
    va_end(ap);
    return total;
}

/* errno. */
int fail_with(int e) {
    errno = e;
    return -1;
}
int current_errno(void) { return errno; }
int succeed_keeping_errno(void) { return 0; }

/* Exported variables. */
int g_counter = 42;
double g_ratio = 0.25;
D2 g_point = { 1.5, -2.5 };
int g_array[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
const char *g_name = "fixture";
int get_counter(void) { return g_counter; }
double get_ratio(void) { return g_ratio; }
D2 get_point(void) { return g_point; }
long long array_sum(void) {
    long long total = 0;
    for (int i = 0; i < 8; i++) total += (i + 1) * g_array[i];
    return total;
}
void bump_counter(void) { g_counter++; }

/* Function pointers: returned, and in a struct. */
typedef int (*binop)(int, int);
static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
binop get_op(char c) {
    switch (c) {
    case '+': return op_add;
    case '-': return op_sub;
    case '*': return op_mul;
    default: return NULL;
    }
}
int apply(binop f, int a, int b) { return f(a, b); }
static double scale(double x, double k) { return x * k; }
static const char *ops_name(void) { return "ops"; }
static D2 midpoint(D2 a, D2 b) {
    D2 m = { (a.x + b.x) / 2, (a.y + b.y) / 2 };
    return m;
}
typedef struct {
    binop combine;
    double (*scale)(double, double);
    const char *(*name)(void);
    D2 (*mid)(D2, D2);
} Ops;
Ops g_ops = { op_add, scale, ops_name, midpoint };
const Ops *get_ops(void) { return &g_ops; }
Ops make_ops(void) {
    Ops ops = { op_mul, scale, ops_name, midpoint };
    return ops;
}
