/* Complex values by value: arguments in vector registers and on the stack, results in xmm0,
 * xmm0/xmm1 and st0/st1, and records holding complex members. */

#include <complex.h>

float _Complex cplx_f_mul(float _Complex a, float _Complex b) { return a * b; }
double _Complex cplx_d_mul(double _Complex a, double _Complex b) { return a * b; }
long double _Complex cplx_ld_mul(long double _Complex a, long double _Complex b) { return a * b; }

/* Every kind of argument between complex ones: the real parts summed, the imaginary ones
 * summed (all values are small integers and halves, so the sums are exact). */
double _Complex cplx_mixed(int i, float _Complex f, double d, double _Complex z,
                           long double _Complex l, long long k) {
    double re = i + crealf(f) + d + creal(z) + (double)creall(l) + (double)k;
    double im = cimagf(f) + cimag(z) + (double)cimagl(l);
    return CMPLX(re, im);
}

/* Four `double _Complex` take xmm0-xmm7; the fifth and the `float _Complex` go on the stack. */
double _Complex cplx_many(double _Complex a0, double _Complex a1, double _Complex a2,
                          double _Complex a3, double _Complex a4, float _Complex f) {
    return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 10 * f;
}

/* The imaginary part of a `long double _Complex` to full precision: 1/3 + 1/3*I. */
long double _Complex cplx_ld_third(void) { return CMPLXL(1.0L / 3, 1.0L / 3); }
long double cplx_ld_imag(long double _Complex z) { return cimagl(z); }

/* After `...`: complex values are not promoted. */
#include <stdarg.h>
double _Complex cplx_variadic_sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double _Complex s = 0;
    for (int i = 0; i < n; i++) {
        switch (va_arg(ap, int)) {
        case 0: s += va_arg(ap, float _Complex); break;
        case 1: s += va_arg(ap, double _Complex); break;
        default: s += (double _Complex)va_arg(ap, long double _Complex); break;
        }
    }
    va_end(ap);
    return s;
}

struct CF { float x; float _Complex z; };          /* SSE, SSE: the complex value straddles */
struct CI { int i; float _Complex z; };            /* INTEGER, SSE */
struct CD { double _Complex z; };                  /* SSE, SSE */
struct CL { long double _Complex z; int tag; };    /* memory */

struct CF cf_conj(struct CF r) { r.x *= 2; r.z = conjf(r.z); return r; }
struct CI ci_rotate(struct CI r) { r.i += 1; r.z *= I; return r; }
struct CD cd_twice(struct CD r) { r.z *= 2; return r; }
struct CL cl_scale(struct CL r, long double k) { r.z *= k; r.tag += 1; return r; }

/* Callbacks taking and returning complex values. */
double _Complex cplx_apply_d(double _Complex (*f)(double _Complex, float _Complex),
                             double _Complex z) {
    return 2 * f(z, CMPLXF(0.5f, -1.0f));
}
float _Complex cplx_apply_f(float _Complex (*f)(float _Complex), float _Complex z) {
    return f(z) + 1;
}
long double cplx_apply_ld(long double (*f)(int, long double _Complex), long double _Complex z) {
    return f(1, z) + f(2, z);
}

/* A callback returning a `long double _Complex` (in st0 and st1), called twice. */
long double _Complex cplx_make_ld(long double _Complex (*f)(long double, long double),
                                  long double re, long double im) {
    return f(re, im) + f(im, re);
}
