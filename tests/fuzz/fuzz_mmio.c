/*
 * tests/fuzz/fuzz_mmio.c — every MMIO device of the board (whatever is
 * mapped: GIC distributor/redistributors/CPU interfaces, UART, RTC, power
 * controller, and each device added later) driven by arbitrary register
 * accesses, then a save/load round trip of every device through the
 * registry and a device reset.
 *
 * Input: byte 0 picks the board (bit 0: GICv2/v3, bit 1: secure=on,
 * bit 2: virtualization=on, bits 4-5: cores - 1); then 12-byte records:
 * region (1: index among the MMIO regions), core (1), size (1: 1/2/4/8),
 * read/write (1), offset (4, modulo the region size), value (4, repeated
 * for 8-byte writes).
 */
#include "common/savebuf.h"
#include "devices/device.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    u8 cfg = data[0];
    Machine *m = fuzz_board(cfg & 1 ? 3 : 2, 1 + ((cfg >> 4) & 3), cfg & 2, cfg & 4);
    if (!m)
        return 0;
    MemRegion *mmio[64];
    unsigned n = 0;
    for (unsigned i = 0; i < m->nregions && n < 64; i++)
        if (!m->region[i].host)
            mmio[n++] = &m->region[i];
    for (size_t i = 1; n && i + 12 <= size; i += 12) {
        const uint8_t *r = data + i;
        MemRegion *reg = mmio[r[0] % n];
        Cpu *c = m->cpu[r[1] % m->ncpu];
        unsigned sz = 1u << (r[2] & 3);
        u32 off, val;
        memcpy(&off, r + 4, 4);
        memcpy(&val, r + 8, 4);
        u64 pa = reg->base + off % reg->size;
        u64 v = sz == 8 ? ((u64)val << 32 | val) : val;
        if (r[3] & 1)
            phys_write(m, c, pa, sz, v);
        else
            phys_read(m, c, pa, sz, &v);
    }
    SaveBuf sb = {0};
    char err[256];
    if (!machine_save_devices(m, &sb))
        abort();
    LoadBuf lb = loadbuf_of(sb.data, sb.len);
    if (!machine_load_devices(m, &lb, err, sizeof(err))) {
        fprintf(stderr, "save/load round trip failed: %s\n", err);
        abort();
    }
    savebuf_free(&sb);
    machine_reset_devices(m);
    virt_destroy(m);
    return 0;
}
