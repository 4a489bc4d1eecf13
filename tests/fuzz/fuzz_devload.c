/*
 * tests/fuzz/fuzz_devload.c — machine_load_devices() (devices/device.h)
 * on arbitrary bytes: every device's loader must refuse truncated or
 * malformed state with a message, never read past the buffer or leave a
 * device with out-of-range indices.  After a refused or accepted load the
 * devices are reset and saved again (which walks all their state).
 * Byte 0 picks the board as in fuzz_mmio.c.
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
    char err[256];
    LoadBuf lb = loadbuf_of(data + 1, size - 1);
    bool ok = machine_load_devices(m, &lb, err, sizeof(err));
    if (ok) {
        /* Read back the first 4 KiB of every MMIO window: registers that
         * index arrays with loaded state. */
        for (unsigned i = 0; i < m->nregions; i++) {
            MemRegion *r = &m->region[i];
            for (u64 off = 0; !r->host && off < r->size && off < 0x1000; off += 4) {
                u64 v;
                phys_read(m, m->cpu[0], r->base + off, 4, &v);
            }
        }
    }
    SaveBuf sb = {0};
    if (!machine_save_devices(m, &sb))
        abort();
    /* HS_FUZZ_WRITE_SEED=F: write this board's saved state (with the board
     * byte first) to F: how tests/fuzz/corpus/devload was made. */
    const char *seed = getenv("HS_FUZZ_WRITE_SEED");
    if (seed) {
        FILE *f = fopen(seed, "wb");
        if (f) {
            fputc(cfg, f);
            fwrite(sb.data, 1, sb.len, f);
            fclose(f);
        }
    }
    if (ok) {
        /* An accepted state must load again as saved. */
        LoadBuf again = loadbuf_of(sb.data, sb.len);
        if (!machine_load_devices(m, &again, err, sizeof(err))) {
            fprintf(stderr, "reload of accepted state failed: %s\n", err);
            abort();
        }
    }
    savebuf_free(&sb);
    machine_reset_devices(m);
    virt_destroy(m);
    return 0;
}
