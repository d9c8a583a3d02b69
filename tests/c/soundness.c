/* Functions for the soundness regression tests: each runs a callback in the middle of the call,
 * then uses memory it was handed before the callback ran. */

/* 32 bytes: passed and returned in memory on x86-64, so the callee writes the result through
 * the address it was given. */
typedef struct { long a, b, c, d; } SndBig;

/* Writes 1..n to p[0..n] after calling f. */
void snd_fill(int *p, int n, void (*f)(void)) {
    f();
    for (int i = 0; i < n; i++)
        p[i] = i + 1;
}

/* Returns {1, 2, 3, 4}, written after f returns. */
SndBig snd_make_big(void (*f)(void)) {
    SndBig r = { 1, 2, 3, 4 };
    f();
    return r;
}

/* a + 2b + 3c + 4d, read after f returns. */
long snd_weigh_big(SndBig s, void (*f)(void)) {
    f();
    return s.a + 2 * s.b + 3 * s.c + 4 * s.d;
}

/* A pointer global the tests store into from Rust, and read from C. */
int *snd_global;

int snd_read_global(void) {
    return *snd_global;
}

/* Where snd_fill_held writes: an address held in memory, not passed as an argument. */
typedef struct { int *p; int n; } SndHeld;

/* Writes 1..n to h->p[0..n] after calling f. */
void snd_fill_held(SndHeld *h, void (*f)(void)) {
    f();
    for (int i = 0; i < h->n; i++)
        h->p[i] = i + 1;
}

/* Calls f twice. */
void snd_twice(void (*f)(void)) {
    f();
    f();
}
