/* The functions the `calls` benchmark calls through every path. */
typedef struct { double x, y; } Point;

int add(int a, int b) { return a + b; }

long sum6(long a, long b, long c, long d, long e, long f) { return a + b + c + d + e + f; }

Point mid(Point a, Point b) {
    Point m = { (a.x + b.x) / 2, (a.y + b.y) / 2 };
    return m;
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
