/* Records by value, in and out: see fixture.h. */
#include "fixture.h"

#define ADD(f) r += (double)(++k) * (double)s.f;
#define BUMP(f) s.f += ++k;
#define SHAPE(T)                                                                               \
    double T##_sum(T s) { double r = 0; int k = 0; T##_LEAVES(ADD) return r; }                 \
    T T##_bump(T s) { int k = 0; T##_LEAVES(BUMP) return s; }

SHAPE(S1) SHAPE(S2) SHAPE(S3) SHAPE(S4) SHAPE(S5) SHAPE(S8) SHAPE(S12) SHAPE(S16) SHAPE(S17)
SHAPE(S24) SHAPE(S32) SHAPE(S64)
SHAPE(F2) SHAPE(F3) SHAPE(F4) SHAPE(D1) SHAPE(D2)
SHAPE(MIFD) SHAPE(MDI) SHAPE(MFIFF) SHAPE(MCD) SHAPE(MLD) SHAPE(MCF) SHAPE(M24)
SHAPE(NV) SHAPE(NS) SHAPE(NVV) SHAPE(NA)
SHAPE(P9) SHAPE(P17) SHAPE(P9F) SHAPE(P2F)
SHAPE(BF4) SHAPE(BFF) SHAPE(BFD) SHAPE(BFU) SHAPE(BF3)
SHAPE(UC9) SHAPE(SUF) SHAPE(SFUD)

/* Unions whose members overlap exactly: one member read, the other written. */
double UIF_as_int(UIF u) { return u.i; }
double UIF_as_float(UIF u) { return u.f; }
UIF UIF_int_to_float(UIF u) { u.f = (float)u.i * 0.5f; return u; }
double UFF_sum(UFF u) { return u.a + u.b; }
UFF UFF_bump(UFF u) { u.b = u.a * 2.0f + 1.0f; return u; }
double UDL_as_long(UDL u) { return (double)u.l; }
double UDL_as_double(UDL u) { return u.d; }
UDL UDL_long_to_double(UDL u) { u.d = (double)u.l / 4.0; return u; }
long long UC9_as_int(UC9 u) { return u.i; }

/* Records mixed with scalars, and records that no longer fit the registers left. */
double records_mixed(S3 a, F2 b, int i, D2 c, S17 d, float f) {
    return S3_sum(a) + 10.0 * F2_sum(b) + 100.0 * i + 1000.0 * D2_sum(c) + 10000.0 * S17_sum(d)
        + 100000.0 * f;
}

/* Five of six integer registers taken: MIFD (one integer, one SSE eightbyte) still fits;
 * with six taken it goes to the stack, and `g` after it. */
double records_spill_int(long a, long b, long c, long d, long e, MIFD s, long g) {
    return (double)(a + 2 * b + 3 * c + 4 * d + 5 * e) + 10.0 * MIFD_sum(s) + 1000.0 * g;
}
double records_spill_int6(long a, long b, long c, long d, long e, long f, MIFD s, long g) {
    return (double)(a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f) + 10.0 * MIFD_sum(s) + 1000.0 * g;
}
/* Seven of eight SSE registers taken: F4 needs two, so it goes to the stack; `h` still gets
 * the last register. */
double records_spill_sse(double a, double b, double c, double d, double e, double f, double g,
                         F4 s, double h) {
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 10.0 * F4_sum(s) + 1000.0 * h;
}

/* Refused shapes: the symbols exist so that only the shape can be the reason. */
int takes_uld(ULD u) { return u.i; }
ULD returns_uld(void) { ULD u = { 1.0L }; return u; }
int takes_a16(A16 a) { return a.x; }
int takes_p5(P5 p) { return p.c + p.i; }
P5 returns_p5(void) { P5 p = { 1, 2 }; return p; }
double takes_p2sf(P2SF p) { return p.s + p.f; }
