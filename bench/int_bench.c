/*
 * bench/int_bench.c — integer-heavy benchmark guest for hyperstep:
 * table-driven software CRC-32 and hardware CRC32C (CRC32CX) over a buffer,
 * a sieve of Eratosthenes, and an in-place heap sort of pseudo-random words,
 * repeated ROUNDS times.  Each kernel checks its own answer (known CRC check
 * value, prime count, sortedness + checksum) so the run is also a test.
 * Exit status = number of failed checks (semihosting).
 */
#include "lib.h"

#ifndef ROUNDS
#define ROUNDS 12
#endif
#define BUF_BYTES (64 * 1024)
#define SIEVE_N 1000000
#define SORT_N 40000

static u8 buf[BUF_BYTES] __attribute__((aligned(16)));
static u8 sieve[SIEVE_N + 1];
static u32 arr[SORT_N];
static u32 crc_table[256];

static void crc_init(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
        crc_table[i] = c;
    }
}

static u32 crc32_sw(const u8 *p, u64 n)
{
    u32 c = 0xffffffff;
    for (u64 i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

static u32 crc32c_hw(const u8 *p, u64 n)
{
    u32 c = 0xffffffff;
    u64 i = 0;
    for (; i + 8 <= n; i += 8) {
        u64 w;
        __builtin_memcpy(&w, p + i, 8);
        __asm__("crc32cx %w0, %w0, %1" : "+r"(c) : "r"(w));
    }
    for (; i < n; i++)
        __asm__("crc32cb %w0, %w0, %w1" : "+r"(c) : "r"((u32)p[i]));
    return ~c;
}

static u32 sieve_count(void)
{
    for (u32 i = 0; i <= SIEVE_N; i++)
        sieve[i] = 1;
    sieve[0] = sieve[1] = 0;
    for (u32 i = 2; (u64)i * i <= SIEVE_N; i++)
        if (sieve[i])
            for (u32 j = i * i; j <= SIEVE_N; j += i)
                sieve[j] = 0;
    u32 n = 0;
    for (u32 i = 0; i <= SIEVE_N; i++)
        n += sieve[i];
    return n;
}

static void sift(u32 *a, u32 start, u32 end)
{
    u32 root = start;
    while (2 * root + 1 <= end) {
        u32 child = 2 * root + 1, sw = root;
        if (a[sw] < a[child])
            sw = child;
        if (child + 1 <= end && a[sw] < a[child + 1])
            sw = child + 1;
        if (sw == root)
            return;
        u32 t = a[root];
        a[root] = a[sw];
        a[sw] = t;
        root = sw;
    }
}

static void heap_sort(u32 *a, u32 n)
{
    for (u32 s = n / 2; s-- > 0;)
        sift(a, s, n - 1);
    for (u32 end = n - 1; end > 0; end--) {
        u32 t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end - 1);
    }
}

int main(void)
{
    crc_init();
    static const char check[] = "123456789";
    CHECK_EQ(crc32_sw((const u8 *)check, 9), 0xCBF43926u);
    CHECK_EQ(crc32c_hw((const u8 *)check, 9), 0xE3069283u);
    u64 x = 0x9E3779B97F4A7C15ul;
    for (u32 i = 0; i < BUF_BYTES; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        buf[i] = (u8)(x >> 24);
    }
    u32 crc_first = 0, crcc_first = 0;
    u64 sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        u32 c = crc32_sw(buf, BUF_BYTES), cc = crc32c_hw(buf, BUF_BYTES);
        if (r == 0) {
            crc_first = c;
            crcc_first = cc;
        }
        CHECK_EQ(c, crc_first);
        CHECK_EQ(cc, crcc_first);
        CHECK_EQ(sieve_count(), 78498);   /* pi(10^6) */
        u64 in_sum = 0;
        for (u32 i = 0; i < SORT_N; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            arr[i] = (u32)x;
            in_sum += arr[i];
        }
        heap_sort(arr, SORT_N);
        u64 out_sum = 0;
        u32 bad = 0;
        for (u32 i = 0; i < SORT_N; i++) {
            out_sum += arr[i];
            bad += i && arr[i - 1] > arr[i];
        }
        CHECK_EQ(bad, 0);
        CHECK_EQ(out_sum, in_sum);
        sum += out_sum;
    }
    hs_printf("int_bench: %d rounds, crc32 %x crc32c %x sum %lx\n", ROUNDS, crc_first, crcc_first, sum);
    return hs_report();
}
