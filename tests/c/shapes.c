/* Records by value whose shape is unusual: a long double alone (x87 class), members of size
 * zero however long, records far over 16 bytes, unnamed bit-fields. See
 * tests/by_value_shapes.rs. */
#include <string.h>

/* A record that is exactly a long double: passed in memory, returned in st0. */
typedef struct { long double x; } LD1;
typedef struct { LD1 in; } LD1N;
LD1 ld1_make(double v) { LD1 r = { v }; return r; }
LD1N ld1n_make(double v) { LD1N r = { { v } }; return r; }
double ld1_take(LD1 s) { return (double)(s.x * 2.0L); }
/* Registers and stack around two of them: a, b, c in registers, s and t on the stack. */
double ld1_mixed(int a, LD1 s, double b, LD1N t, long c) {
    return (double)a + 10.0 * (double)s.x + 100.0 * b + 1000.0 * (double)t.in.x + 10000.0 * (double)c;
}
double ld1_call(double (*f)(LD1), double v) { LD1 s = { v }; return f(s) + 1.0; }
/* A record returned in st0 by a callback: its member, plus one. */
double ld1_from_callback(LD1 (*f)(double), double v) { return (double)f(v).x + 1.0; }

/* Over 16 bytes, holding a long double: returned in memory. */
typedef struct { long double x; int i; } LDI;
LDI ldi_make(double v, int i) { LDI r = { v * 4.0L, i + 1 }; return r; }
double ldi_sum(LDI s) { return (double)s.x + (double)s.i; }

/* Members of size zero, however long: left out of the classification. */
struct empty {};
typedef struct { struct empty e[1L << 40]; int x; } Z1;
typedef struct { int z[1L << 40][1L << 40][0]; int x; } Z2;
typedef struct { char c; int z[0]; } Z3;
typedef struct { float f; struct empty e[3]; float g; } Z4;
int z1_take(Z1 s) { return s.x * 3; }
Z1 z1_make(int x) { Z1 r; r.x = x + 7; return r; }
int z2_take(Z2 s) { return s.x * 5; }
Z2 z2_make(int x) { Z2 r; r.x = x - 2; return r; }
int z3_take(Z3 s, int k) { return s.c * 100 + k; }
Z3 z3_make(char c) { Z3 r; r.c = c + 1; return r; }
double z4_take(Z4 s, double k) { return s.f + 10.0 * s.g + 100.0 * k; }
Z4 z4_make(float a) { Z4 r; r.f = a; r.g = a * 2.0f; return r; }

/* Far over 16 bytes: one array of 64 KiB, in memory both ways. */
typedef struct { int head; unsigned char c[1 << 16]; int tail; } BIG;
BIG big_make(int seed) {
    BIG r;
    r.head = seed;
    for (int i = 0; i < (1 << 16); i++) r.c[i] = (unsigned char)(i * 7 + seed);
    r.tail = -seed;
    return r;
}
long big_sum(int k, BIG s, double d) {
    long sum = 0;
    for (int i = 0; i < (1 << 16); i++) sum += (long)s.c[i] * (i % 13);
    return sum + 1000L * s.head + 100000L * s.tail + 10L * k + (long)d;
}

/* Unnamed bit-fields: GCC classifies the eightbytes they lie in as INTEGER. */
typedef struct { float f; unsigned : 8; } BFU8;
typedef struct { float f; unsigned : 16; float g; } BFU16;
typedef struct { double d; unsigned : 8; } BDU;
double bfu8_take(BFU8 s, double k) { return s.f + 100.0 * k; }
BFU8 bfu8_make(float v) { BFU8 r; memset(&r, 0, sizeof r); r.f = v + 1.0f; return r; }
double bfu16_take(BFU16 s, double k) { return s.f + 10.0 * s.g + 100.0 * k; }
BFU16 bfu16_make(float v) { BFU16 r; memset(&r, 0, sizeof r); r.f = v; r.g = v * 2.0f; return r; }
double bdu_take(BDU s, long k) { return s.d + 100.0 * (double)k; }
BDU bdu_make(double v) { BDU r; memset(&r, 0, sizeof r); r.d = v * 3.0; return r; }
/* Five integer registers taken: BFU16 needs one more and one SSE register; with six taken it
 * goes to the stack. */
double bfu16_spill5(long a, long b, long c, long d, long e, BFU16 s, long g) {
    return (double)(a + b + c + d + e) + 10.0 * s.f + 100.0 * s.g + 1000.0 * (double)g;
}
double bfu16_spill6(long a, long b, long c, long d, long e, long f, BFU16 s, long g) {
    return (double)(a + b + c + d + e + f) + 10.0 * s.f + 100.0 * s.g + 1000.0 * (double)g;
}
/* Through callbacks: C makes a record with one and passes it to the other. */
double bfu16_cb(BFU16 (*make)(float), double (*take)(BFU16, double), float v) {
    BFU16 s = make(v);
    return take(s, 3.0) + (double)s.g;
}
double bdu_cb(BDU (*make)(double), double (*take)(BDU, long), double v) {
    BDU s = make(v);
    return take(s, 5) + s.d;
}

/* One INTEGER and one SSE eightbyte, taking the last integer register after a floating
 * argument: libffi before 3.4.7 passed `x` as `s.d` here. */
typedef struct { long a; double d; } LSD;
double lsd_after_float(int a, int b, int c, int d, int e, double x, LSD s) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 1000.0 * x + 100000.0 * (double)s.a + 1e7 * s.d;
}

/* Shapes GCC classifies in its own way (the x86-64 psABI as GCC 12 reads it). */
/* A union's zero-width bit-field is a one-byte integer member: INTEGER, in rdi and rax. */
typedef union { unsigned long : 0; double f; } UZW;
double uzw_take(UZW u) { return u.f * 2.0; }
UZW uzw_make(double f) { UZW u; u.f = f + 1.0; return u; }
double uzw_call(double (*f)(UZW), double v) { UZW u; u.f = v; return f(u) + 0.5; }
/* An element of a zero-length array counts at the array's offset: INTEGER, in rdi and rax. */
typedef struct { float a; int z[0]; } FZ0;
float fz0_take(FZ0 s) { return s.a * 3.0f; }
FZ0 fz0_make(float a) { FZ0 s; s.a = a - 1.0f; return s; }
/* A union bit-field is an integer of its width's size, here misaligned: in memory. */
#pragma pack(1)
typedef struct { char c; union { unsigned b : 22; } u; } PUB;
#pragma pack()
unsigned pub_take(PUB p) { return p.u.b + (unsigned)p.c; }
PUB pub_make(unsigned b) { PUB p; p.c = 1; p.u.b = b; return p; }
/* A misaligned element of a zero-length array: in memory. */
typedef struct __attribute__((packed)) { char c; double z[0]; } PZD;
int pzd_take(PZD p) { return p.c; }
PZD pzd_make(char c) { PZD p; p.c = c; return p; }
