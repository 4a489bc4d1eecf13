/*
 * tests/guests/fp_crypto.c — the Cryptographic Extension on known answers:
 * AES-128 (FIPS-197 appendix C.1) encrypt with AESE/AESMC and decrypt with
 * AESD/AESIMC, SHA-256 and SHA-1 of "abc" (FIPS 180-4 examples) with the
 * SHA256H/H2/SU0/SU1 and SHA1C/P/M/H/SU0/SU1 instructions, PMULL 64x64, and
 * ID_AA64ISAR0_EL1 advertising exactly what is implemented.
 * Built with -march=armv8-a+crypto and without -mgeneral-regs-only.
 */
#include <arm_neon.h>

#include "lib.h"

static const u8 aes_key[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                               0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const u8 aes_pt[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                              0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static const u8 aes_ct[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                              0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};

/* SubWord(w) via AESE with a zero round key on a state whose four columns
 * all hold w: ShiftRows then only permutes equal bytes. */
static u32 sub_word(u32 w)
{
    uint8x16_t s = vreinterpretq_u8_u32(vdupq_n_u32(w));
    s = vaeseq_u8(s, vdupq_n_u8(0));
    return vgetq_lane_u32(vreinterpretq_u32_u8(s), 0);
}

static void aes128_expand(const u8 *key, uint8x16_t rk[11])
{
    u32 w[44];
    static const u8 rcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
    for (int i = 0; i < 4; i++)
        w[i] = key[4 * i] | key[4 * i + 1] << 8 | key[4 * i + 2] << 16 | (u32)key[4 * i + 3] << 24;
    for (int i = 4; i < 44; i++) {
        u32 t = w[i - 1];
        if (i % 4 == 0)
            t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / 4 - 1];
        w[i] = w[i - 4] ^ t;
    }
    for (int r = 0; r < 11; r++)
        rk[r] = vreinterpretq_u8_u32(vld1q_u32(&w[4 * r]));
}

static void test_aes(void)
{
    uint8x16_t rk[11];
    aes128_expand(aes_key, rk);
    uint8x16_t s = vld1q_u8(aes_pt);
    for (int r = 0; r < 9; r++)
        s = vaesmcq_u8(vaeseq_u8(s, rk[r]));
    s = veorq_u8(vaeseq_u8(s, rk[9]), rk[10]);
    u8 out[16];
    vst1q_u8(out, s);
    int same = 1;
    for (int i = 0; i < 16; i++)
        same &= out[i] == aes_ct[i];
    CHECK(same);
    /* Equivalent inverse cipher: AESD/AESIMC with InvMixColumns'd keys. */
    uint8x16_t d = s;
    d = vaesimcq_u8(vaesdq_u8(d, rk[10]));
    for (int r = 9; r >= 2; r--)
        d = vaesimcq_u8(vaesdq_u8(d, vaesimcq_u8(rk[r])));
    d = veorq_u8(vaesdq_u8(d, vaesimcq_u8(rk[1])), rk[0]);
    vst1q_u8(out, d);
    same = 1;
    for (int i = 0; i < 16; i++)
        same &= out[i] == aes_pt[i];
    CHECK(same);
}

static const u32 k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* One padded block of "abc". */
static void abc_block(u8 *blk)
{
    for (int i = 0; i < 64; i++)
        blk[i] = 0;
    blk[0] = 'a';
    blk[1] = 'b';
    blk[2] = 'c';
    blk[3] = 0x80;
    blk[63] = 24;   /* length in bits, big-endian */
}

static void test_sha256(void)
{
    static const u32 expect[8] = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                  0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
    u32 h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    u8 blk[64];
    abc_block(blk);
    uint32x4_t abcd = vld1q_u32(&h[0]), efgh = vld1q_u32(&h[4]);
    uint32x4_t w[4];
    for (int i = 0; i < 4; i++)
        w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blk + 16 * i)));
    uint32x4_t abcd0 = abcd, efgh0 = efgh;
    for (int i = 0; i < 16; i++) {
        uint32x4_t t = vaddq_u32(w[i % 4], vld1q_u32(&k256[4 * i]));
        uint32x4_t a_old = abcd;
        abcd = vsha256hq_u32(abcd, efgh, t);
        efgh = vsha256h2q_u32(efgh, a_old, t);
        if (i < 12)
            w[i % 4] = vsha256su1q_u32(vsha256su0q_u32(w[i % 4], w[(i + 1) % 4]), w[(i + 2) % 4], w[(i + 3) % 4]);
    }
    abcd = vaddq_u32(abcd, abcd0);
    efgh = vaddq_u32(efgh, efgh0);
    vst1q_u32(&h[0], abcd);
    vst1q_u32(&h[4], efgh);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(h[i], expect[i]);
}

static void test_sha1(void)
{
    static const u32 expect[5] = {0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d};
    u32 h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    u8 blk[64];
    abc_block(blk);
    uint32x4_t abcd = vld1q_u32(h), abcd0 = abcd;
    u32 e = h[4], e0 = e;
    uint32x4_t w[4];
    for (int i = 0; i < 4; i++)
        w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(blk + 16 * i)));
    static const u32 k1[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};
    for (int i = 0; i < 20; i++) {
        uint32x4_t t = vaddq_u32(w[i % 4], vdupq_n_u32(k1[i / 5]));
        u32 e_next = vsha1h_u32(vgetq_lane_u32(abcd, 0));
        if (i < 5)
            abcd = vsha1cq_u32(abcd, e, t);
        else if (i < 10 || i >= 15)
            abcd = vsha1pq_u32(abcd, e, t);
        else
            abcd = vsha1mq_u32(abcd, e, t);
        e = e_next;
        if (i < 16)
            w[i % 4] = vsha1su1q_u32(vsha1su0q_u32(w[i % 4], w[(i + 1) % 4], w[(i + 2) % 4]), w[(i + 3) % 4]);
    }
    abcd = vaddq_u32(abcd, abcd0);
    e += e0;
    vst1q_u32(h, abcd);
    h[4] = e;
    for (int i = 0; i < 5; i++)
        CHECK_EQ(h[i], expect[i]);
}

static void test_pmull(void)
{
    /* x^63 * x^63 = x^126; (x+1)*(x+1) = x^2+1 */
    poly128_t p = vmull_p64(0x8000000000000000ull, 0x8000000000000000ull);
    CHECK_EQ((u64)(p >> 64), 0x4000000000000000ull);
    CHECK_EQ((u64)p, 0);
    p = vmull_p64(3, 3);
    CHECK_EQ((u64)p, 5);
    poly64x2_t a = vcombine_p64(vcreate_p64(1), vcreate_p64(0xffffffffffffffffull));
    p = vmull_high_p64(a, a);   /* PMULL2: (all ones)^2 = every even power */
    CHECK_EQ((u64)p, 0x5555555555555555ull);
    CHECK_EQ((u64)(p >> 64), 0x5555555555555555ull);   /* x^64..x^126 even */
}

int main(void)
{
    test_aes();
    test_sha256();
    test_sha1();
    test_pmull();
    u64 isar0 = READ_SYSREG(id_aa64isar0_el1);
    CHECK_EQ((isar0 >> 4) & 0xf, 2);    /* AES + PMULL */
    CHECK_EQ((isar0 >> 8) & 0xf, 1);    /* SHA1 */
    CHECK_EQ((isar0 >> 12) & 0xf, 1);   /* SHA2 (SHA-256 only) */
    CHECK_EQ((isar0 >> 16) & 0xf, 1);   /* CRC32 */
    return hs_report();
}
