/* The functions the `calls` benchmark calls through every path. */
typedef struct { double x, y; } Point;

int add(int a, int b) { return a + b; }

long sum6(long a, long b, long c, long d, long e, long f) { return a + b + c + d + e + f; }

Point mid(Point a, Point b) {
    Point m = { (a.x + b.x) / 2, (a.y + b.y) / 2 };
    return m;
}

/* Arguments on the stack: eight doubles fill the vector registers, six of the eight ints
 * the general ones, and the last two ints and the 24-byte record go on the stack. */
typedef struct { double a, b, c; } Triple;

double spill(double d0, double d1, double d2, double d3, double d4, double d5, double d6,
             double d7, int i0, int i1, int i2, int i3, int i4, int i5, int i6, int i7,
             Triple t) {
    return d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7 + i0 + i1 + i2 + i3 + i4 + i5 + i6 + i7 + t.a
           + t.b + t.c;
}

/* Callbacks: C calls a function pointer `n` times. */
typedef int (*binop)(int, int);

int native_add(int a, int b) { return a + b; }

binop native_add_pointer(void) { return native_add; }

long call_n(binop f, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) sum += f(i, 1);
    return sum;
}

typedef double (*point_take)(Point);
typedef Point (*point_make)(double);

double native_point_take(Point p) { return p.x + p.y; }
Point native_point_make(double x) { Point p = { x, 1.0 }; return p; }

/* Calls f with the points (i, 1) for i < n: the sum of what it returned. */
double call_n_point_take(point_take f, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
        Point p = { i, 1.0 };
        sum += f(p);
    }
    return sum;
}

/* Calls f(i) for i < n: the sum of the coordinates of the points it returned. */
double call_n_point_make(point_make f, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
        Point p = f(i);
        sum += p.x + p.y;
    }
    return sum;
}
