/* Records the call tests pass and return by value.
 *
 * Each shape NAME has a leaf list NAME_LEAVES(X): every scalar member, arrays expanded and
 * nested records walked in declaration order, bit-fields included. records.c generates from it
 *   double NAME_sum(T s)  -- sum of (k + 1) * leaf_k, so every byte passed counts;
 *   T NAME_bump(T s)      -- the record with (k + 1) added to leaf_k.
 * The tests build the same records at run time and compute the same figures. */
#ifndef CTYPES_FIXTURE_H
#define CTYPES_FIXTURE_H

#include <stdint.h>

/* Sizes 1, 2, 3, 4, 5, 8, 12, 16, 17, 24, 32 and 64 bytes. */
typedef struct { unsigned char a; } S1;
#define S1_LEAVES(X) X(a)
typedef struct { unsigned char a; signed char b; } S2;
#define S2_LEAVES(X) X(a) X(b)
typedef struct { char c[3]; } S3;
#define S3_LEAVES(X) X(c[0]) X(c[1]) X(c[2])
typedef struct { short a; unsigned char b, c; } S4;
#define S4_LEAVES(X) X(a) X(b) X(c)
typedef struct { signed char a; unsigned char b[4]; } S5;
#define S5_LEAVES(X) X(a) X(b[0]) X(b[1]) X(b[2]) X(b[3])
typedef struct { int a; float b; } S8;
#define S8_LEAVES(X) X(a) X(b)
typedef struct { float f[3]; } S12;
#define S12_LEAVES(X) X(f[0]) X(f[1]) X(f[2])
typedef struct { double d[2]; } S16;
#define S16_LEAVES(X) X(d[0]) X(d[1])
typedef struct { unsigned char c[17]; } S17;
#define S17_LEAVES(X) X(c[0]) X(c[1]) X(c[2]) X(c[3]) X(c[4]) X(c[5]) X(c[6]) X(c[7]) \
    X(c[8]) X(c[9]) X(c[10]) X(c[11]) X(c[12]) X(c[13]) X(c[14]) X(c[15]) X(c[16])
typedef struct { double x, y, z; } S24;
#define S24_LEAVES(X) X(x) X(y) X(z)
typedef struct { long a; double b; int c; float d; short e[4]; } S32;
#define S32_LEAVES(X) X(a) X(b) X(c) X(d) X(e[0]) X(e[1]) X(e[2]) X(e[3])
typedef struct { double d[4]; long long l[4]; } S64;
#define S64_LEAVES(X) X(d[0]) X(d[1]) X(d[2]) X(d[3]) X(l[0]) X(l[1]) X(l[2]) X(l[3])

/* All-float, all-double, mixed. */
typedef struct { float a, b; } F2;
#define F2_LEAVES(X) X(a) X(b)
typedef struct { float a, b, c; } F3;
#define F3_LEAVES(X) X(a) X(b) X(c)
typedef struct { float a, b, c, d; } F4;
#define F4_LEAVES(X) X(a) X(b) X(c) X(d)
typedef struct { double x; } D1;
#define D1_LEAVES(X) X(x)
typedef struct { double x, y; } D2;
#define D2_LEAVES(X) X(x) X(y)
typedef struct { int i; float f; double d; } MIFD;
#define MIFD_LEAVES(X) X(i) X(f) X(d)
typedef struct { double d; int i; } MDI;
#define MDI_LEAVES(X) X(d) X(i)
typedef struct { float f; int i; float g, h; } MFIFF;
#define MFIFF_LEAVES(X) X(f) X(i) X(g) X(h)
typedef struct { char c; double d; } MCD;
#define MCD_LEAVES(X) X(c) X(d)
typedef struct { long l; double d; } MLD;
#define MLD_LEAVES(X) X(l) X(d)
typedef struct { char c[3]; float f[3]; } MCF;
#define MCF_LEAVES(X) X(c[0]) X(c[1]) X(c[2]) X(f[0]) X(f[1]) X(f[2])
typedef struct { long l; float f; double d; } M24;
#define M24_LEAVES(X) X(l) X(f) X(d)

/* Nested. */
typedef struct { float x, y; } Vec2;
typedef struct { Vec2 pos; int id; } NV;
#define NV_LEAVES(X) X(pos.x) X(pos.y) X(id)
typedef struct { char tag; struct { short s; char c; } in; double d; } NS;
#define NS_LEAVES(X) X(tag) X(in.s) X(in.c) X(d)
typedef struct { Vec2 a; Vec2 b; } NVV;
#define NVV_LEAVES(X) X(a.x) X(a.y) X(b.x) X(b.y)
typedef struct { struct { double d[2]; } in[2]; } NA;
#define NA_LEAVES(X) X(in[0].d[0]) X(in[0].d[1]) X(in[1].d[0]) X(in[1].d[1])

/* Packed: members aligned (passable), and a float pair aligned to only 2. */
#pragma pack(push, 1)
typedef struct { int a; int b; char c; } P9;
#define P9_LEAVES(X) X(a) X(b) X(c)
typedef struct { char c; double d; double e; } P17;
#define P17_LEAVES(X) X(c) X(d) X(e)
typedef struct { float a, b; char c; } P9F;
#define P9F_LEAVES(X) X(a) X(b) X(c)
/* Unaligned member: C passes it in memory; refused by the library. */
typedef struct { char c; int i; } P5;
#pragma pack(pop)
#pragma pack(push, 2)
typedef struct { float a, b; } P2F;
#define P2F_LEAVES(X) X(a) X(b)
typedef struct { short s; float f; } P2SF;
#pragma pack(pop)

/* Bit-fields. */
typedef struct { unsigned a : 3, b : 5, c : 8; int d : 16; } BF4;
#define BF4_LEAVES(X) X(a) X(b) X(c) X(d)
typedef struct { unsigned a : 4; float f; } BFF;
#define BFF_LEAVES(X) X(a) X(f)
typedef struct { long long x : 40; long long y : 24; double d; } BFD;
#define BFD_LEAVES(X) X(x) X(y) X(d)
typedef struct { float f; unsigned : 8; } BFU;
#define BFU_LEAVES(X) X(f)
typedef struct { unsigned char a : 1, b : 7; unsigned short c : 9; } BF3;
#define BF3_LEAVES(X) X(a) X(b) X(c)

/* Unions, and records holding them. */
typedef union { int i; float f; } UIF;
typedef union { float a; float b; } UFF;
typedef union { double d; long l; } UDL;
typedef union { char c[9]; int i; } UC9;
#define UC9_LEAVES(X) X(c[0]) X(c[1]) X(c[2]) X(c[3]) X(c[4]) X(c[5]) X(c[6]) X(c[7]) X(c[8])
typedef struct { UIF u; float g; } SUF;
#define SUF_LEAVES(X) X(u.f) X(g)
typedef struct { float a; UFF u; double d; } SFUD;
#define SFUD_LEAVES(X) X(a) X(u.a) X(d)

/* Refused by the library (see the tests). */
typedef union { long double ld; int i; } ULD;
typedef struct { int x; } __attribute__((aligned(16))) A16;

#endif
