/* Records declared with `#[c_struct]` that mix bit-fields with floating and record members,
 * by value and by pointer: the Rust side must pass them in the registers C uses. */

#include <stddef.h>

typedef struct {
    float x;
    float y;
} MrVec2;

/* 16 bytes: the first eightbyte holds bit-fields and a float (integer class), the second a
 * double (floating class). */
typedef struct {
    unsigned tag : 4;
    int level : 12;
    float weight;
    double scale;
} MrSmall;

/* 12 bytes: a nested record of two floats (floating class), then bit-fields (integer class). */
typedef struct {
    MrVec2 pos;
    unsigned id : 7;
    int dz : 9;
} MrPoint;

/* 40 bytes, passed in memory: every kind of member. */
typedef struct {
    unsigned char kind : 3;
    signed char delta : 5;
    float weight;
    MrVec2 pos;
    unsigned long long big : 40;
    _Bool on : 1;
    double scale;
    short count;
} MrItem;

double MrSmall_sum(MrSmall s) { return s.tag + 2.0 * s.level + 3.0 * s.weight + 4.0 * s.scale; }
double MrSmall_sum_ptr(const MrSmall *s) { return MrSmall_sum(*s); }
MrSmall MrSmall_bump(MrSmall s)
{
    s.tag += 1;
    s.level -= 3;
    s.weight *= 2.0f;
    s.scale += 0.5;
    return s;
}
void MrSmall_bump_ptr(MrSmall *s) { *s = MrSmall_bump(*s); }
MrSmall MrSmall_make(unsigned tag, int level, float weight, double scale)
{
    MrSmall s = { tag, level, weight, scale };
    return s;
}

double MrPoint_sum(MrPoint p) { return p.pos.x + 2.0 * p.pos.y + 3.0 * p.id + 4.0 * p.dz; }
double MrPoint_sum_ptr(const MrPoint *p) { return MrPoint_sum(*p); }
MrPoint MrPoint_bump(MrPoint p)
{
    p.pos.x += 1.0f;
    p.pos.y *= -1.0f;
    p.id += 5;
    p.dz -= 7;
    return p;
}
void MrPoint_bump_ptr(MrPoint *p) { *p = MrPoint_bump(*p); }

double MrItem_sum(MrItem i)
{
    return i.kind + 2.0 * i.delta + 3.0 * i.weight + 4.0 * i.pos.x + 5.0 * i.pos.y
           + 6.0 * (double)i.big + 7.0 * i.on + 8.0 * i.scale + 9.0 * i.count;
}
double MrItem_sum_ptr(const MrItem *i) { return MrItem_sum(*i); }
MrItem MrItem_bump(MrItem i)
{
    i.kind += 1;
    i.delta -= 1;
    i.weight += 0.25f;
    i.pos.x *= 2.0f;
    i.pos.y -= 1.0f;
    i.big += 1000;
    i.on = !i.on;
    i.scale *= 0.5;
    i.count += 3;
    return i;
}
void MrItem_bump_ptr(MrItem *i) { *i = MrItem_bump(*i); }

/* The layout as this compiler sees it, for the Rust side to compare. */
unsigned long MrItem_layout(int which)
{
    switch (which) {
    case 0: return sizeof(MrItem);
    case 1: return _Alignof(MrItem);
    case 2: return __builtin_offsetof(MrItem, weight);
    case 3: return __builtin_offsetof(MrItem, pos);
    case 4: return __builtin_offsetof(MrItem, scale);
    case 5: return __builtin_offsetof(MrItem, count);
    default: return 0;
    }
}

/* Callbacks taking and returning such records by value. */
typedef MrSmall (*MrSmallMap)(MrSmall);
double MrSmall_through(MrSmallMap f, MrSmall s) { return MrSmall_sum(f(s)); }

typedef double (*MrPointFold)(MrPoint, double);
double MrPoint_fold(MrPointFold f, MrPoint p, double acc) { return f(MrPoint_bump(p), acc); }

typedef MrItem (*MrItemMapWith)(MrItem, void *);
double MrItem_through_with(MrItemMapWith f, MrItem i, void *data) { return MrItem_sum(f(i, data)); }

/* A record with padding, made by a callback: whether the padding C receives is zero. C itself
 * drops padding when it stores a returned record, so the result is read as a record of whole
 * words that the x86-64 System V convention returns in the same registers (an integer one, then
 * a floating one). */
typedef struct {
    char c;
    double d;
} MrPadded;
typedef MrPadded (*MrPaddedMake)(char);
typedef struct {
    unsigned long long word;
    double d;
} MrPaddedWords;
typedef MrPaddedWords (*MrPaddedMakeWords)(char);
int MrPadded_padding_is_zero(MrPaddedMake f, char c)
{
    MrPaddedWords w = ((MrPaddedMakeWords)(void (*)(void))f)(c);
    return (w.word >> 8) == 0 && (char)(w.word & 0xff) == c && w.d == c * 0.5;
}

/* A float, then a bit-field that does not fit the rest of its storage unit and starts at the
 * next eightbyte: the first eightbyte is floating class (the float and padding). */
typedef struct {
    float f;
    long long a : 40;
} MrGap;
double MrGap_sum(MrGap g) { return g.f + 2.0 * (double)g.a; }
MrGap MrGap_bump(MrGap g)
{
    g.f *= 4.0f;
    g.a -= 1;
    return g;
}

/* A zero-width bit-field moves the next member past the record's alignment: the gap (and, in
 * MzTail, the tail) lies in an eightbyte of floats, which C passes in a floating register. */
struct MzGap { float f; long long : 0; float g; };
struct MzGap MzGap_make(float f, float g) { struct MzGap s = { f, g }; return s; }
double MzGap_sum(struct MzGap s) { return (double)s.f + s.g; }
size_t MzGap_size(void) { return sizeof(struct MzGap); }
size_t MzGap_g(void) { return offsetof(struct MzGap, g); }

struct MzBits { float f; long long : 0; unsigned char b : 3; };
double MzBits_sum(struct MzBits s) { return (double)s.f + s.b; }
size_t MzBits_size(void) { return sizeof(struct MzBits); }

struct MzTail { float f; float g; float h; long long : 0; };
double MzTail_sum(struct MzTail s) { return (double)s.f + s.g + s.h; }
size_t MzTail_size(void) { return sizeof(struct MzTail); }
