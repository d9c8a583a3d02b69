/* C calling back into Rust: loops, records and unions by value both ways, threads C creates,
 * a table of function pointers, errno, and function pointers handed back to Rust. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "fixture.h"

/* Calls f(0), ..., f(n - 1), stores each result in results[i] (when given) and returns their
 * sum; *done counts the calls that returned to C. */
long long cb_sum(int (*f)(int), int n, int *results, int *done) {
    long long total = 0;
    for (int i = 0; i < n; i++) {
        int r = f(i);
        if (results) results[i] = r;
        total += r;
        if (done) (*done)++;
    }
    return total;
}

/* What a callback returning unsigned char gave C, widened. */
int cb_uchar(unsigned char (*f)(int), int x, int *seen) {
    unsigned char r = f(x);
    if (seen) *seen = r;
    return r;
}

/* Records by value both ways: C bumps the record (see records.c), the callback sees it and
 * returns a record, which C bumps again and returns. */
#define THROUGH(T)                                                                             \
    T T##_bump(T s);                                                                           \
    T cb_through_##T(T (*f)(T), T s) { return T##_bump(f(T##_bump(s))); }
THROUGH(F2) THROUGH(S8) THROUGH(F4) THROUGH(D2) THROUGH(MDI) THROUGH(MIFD) THROUGH(S24)
THROUGH(M24) THROUGH(UC9) THROUGH(NV)

/* A record's weighted sum as the callback computes it, and as C does. */
double S24_sum(S24 s);
double cb_sum_S24(double (*f)(S24), S24 s, double *c_side) {
    if (c_side) *c_side = S24_sum(s);
    return f(s);
}

/* Unions by value both ways: one member set by C, another read back after the callback. */
double cb_UDL(UDL (*f)(UDL), long l) {
    UDL u;
    u.l = l;
    UDL r = f(u);
    return r.d * 2.0;
}
float cb_UFF(UFF (*f)(UFF), float a) {
    UFF u;
    u.a = a;
    UFF r = f(u);
    return r.b + 1.0f;
}
int cb_UIF(UIF (*f)(UIF), float x) {
    UIF u;
    u.f = x;
    UIF r = f(u);
    return r.i - 1;
}

/* K threads, each calling f(id * m + j) for j < m, all started before any calls. */
typedef struct {
    int (*f)(int);
    int id, m;
    long long sum;
    pthread_barrier_t *start;
} Worker;

static void *work(void *p) {
    Worker *w = p;
    pthread_barrier_wait(w->start);
    for (int j = 0; j < w->m; j++) w->sum += w->f(w->id * w->m + j);
    return NULL;
}

/* The sum of every result, or -1 if a thread could not be started. */
long long cb_threads(int (*f)(int), int k, int m) {
    enum { MAX = 64 };
    pthread_t threads[MAX];
    Worker workers[MAX];
    pthread_barrier_t start;
    if (k < 1 || k > MAX) return -1;
    pthread_barrier_init(&start, NULL, (unsigned)k);
    int started = 0;
    long long total = 0;
    for (int i = 0; i < k; i++) {
        workers[i] = (Worker){ f, i, m, 0, &start };
        if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0) break;
        started++;
    }
    if (started < k) {
        /* The started threads wait at the barrier for ever: give up on them. */
        return -1;
    }
    for (int i = 0; i < k; i++) {
        pthread_join(threads[i], NULL);
        total += workers[i].sum;
    }
    pthread_barrier_destroy(&start);
    return total;
}

/* One thread that calls f(x) once; returns what f gave it. */
typedef struct {
    int (*f)(int);
    int x, r;
} Once;

static void *once(void *p) {
    Once *o = p;
    o->r = o->f(o->x);
    return NULL;
}

int cb_on_thread(int (*f)(int), int x) {
    Once o = { f, x, -1 };
    pthread_t t;
    if (pthread_create(&t, NULL, once, &o) != 0) return -2;
    pthread_join(t, NULL);
    return o.r;
}

/* A table of function pointers that C drives. */
typedef struct {
    int (*combine)(int, int);
    double (*scale)(double, double);
    const char *(*name)(void);
    D2 (*mid)(D2, D2);
    void (*note)(int);
} VTable;

double cb_drive(const VTable *t, int a, int b) {
    D2 p = { a, b }, q = { b, -a };
    D2 m = t->mid(p, q);
    double r = t->combine(a, b) + t->scale(a, 0.5) + 100.0 * (double)strlen(t->name())
        + 1000.0 * m.x + 10000.0 * m.y;
    t->note(a + b);
    return r;
}

/* errno as the callback left it. */
int cb_errno(void (*f)(int), int value) {
    errno = 0;
    f(value);
    return errno;
}

/* A hook C keeps, calls, and hands back. */
int (*g_cb_hook)(int);
int cb_call_hook(int x) { return g_cb_hook ? g_cb_hook(x) : -1; }
int (*cb_get_hook(void))(int) { return g_cb_hook; }
void cb_set_hook(int (*f)(int)) { g_cb_hook = f; }

/* Every scalar type into and out of a callback: what it returned, and whether C, comparing in
 * the type itself, got what the test expects. */
#define SCALAR(NAME, T)                                                                        \
    T cb_id_##NAME(T (*f)(T), T x) { return f(x); }                                            \
    int cb_is_##NAME(T (*f)(T), T x, T expected) { return f(x) == expected; }
SCALAR(char, char) SCALAR(schar, signed char) SCALAR(uchar, unsigned char)
SCALAR(short, short) SCALAR(ushort, unsigned short) SCALAR(int, int)
SCALAR(uint, unsigned int) SCALAR(long, long) SCALAR(ulong, unsigned long)
SCALAR(llong, long long) SCALAR(ullong, unsigned long long) SCALAR(bool, _Bool)
SCALAR(float, float) SCALAR(double, double) SCALAR(ldouble, long double)

/* More arguments than registers, a record among them; C adds its own figure to the answer. */
typedef long long (*many_fn)(int, long, short, double, float, unsigned char, long long, double,
                             int, F2, char);
long long cb_many(many_fn f) {
    F2 v = { 0.5f, -1.5f };
    return f(1, -2, 3, 4.5, -5.5f, 250, 1LL << 40, -8.25, 9, v, 'z') + 1000000;
}

/* A record holding a pointer, returned by a callback: C reads through the pointer after the
 * callback has returned. */
typedef struct { const char *p; } SP;
size_t cb_strlen_of(SP (*f)(void)) {
    SP s = f();
    return strlen(s.p);
}
