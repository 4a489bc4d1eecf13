/*
 * tests/unit/test_registry.c — the device registry (devices/device.h,
 * machine/machine.c) seen from a device no board file knows: a dummy device
 * registered through the registry alone gets its MMIO, reset, device-tree
 * node, save/load round trip and destroy; and the Cpu split: a warm reset
 * through RMR_EL3 keeps an interrupt the GIC holds pending.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "hs_board.h"
#include "cpu/regs.h"
#include "devices/device.h"
#include "machine/machine.h"

#define DUMMY_BASE 0x0a000000ull
#define DUMMY_SPI 5

typedef struct Dummy {
    u32 reg;          /* guest-visible register at offset 0 */
    u32 writes;       /* writes seen: guest-visible at offset 4 */
    u8 fifo[3];       /* more state, saved as bytes */
    int *destroyed;   /* counter bumped by destroy */
} Dummy;

static bool dummy_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Dummy *d = opaque;
    (void)c;
    if (size != 4 || off > 4)
        return false;
    *val = off == 0 ? d->reg : d->writes;
    return true;
}

static bool dummy_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Dummy *d = opaque;
    (void)c;
    if (size != 4 || off != 0)
        return false;
    d->reg = (u32)val;
    d->writes++;
    d->fifo[d->writes % 3] = (u8)val;
    return true;
}

static void dummy_reset(void *opaque)
{
    Dummy *d = opaque;
    d->reg = 0x1234;
    d->writes = 0;
    memset(d->fifo, 0, sizeof(d->fifo));
}

static int dummy_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    (void)opaque;
    (void)ctx;
    int r;
    if ((r = fdt_begin_node(fdt, "dummy@a000000")) < 0 ||
        (r = fdt_property_string(fdt, "compatible", "hyperstep,dummy")) < 0 ||
        (r = fdt_prop_reg(fdt, DUMMY_BASE, 0x1000)) < 0 || (r = fdt_prop_spi(fdt, DUMMY_SPI, FDT_IRQ_LEVEL_HIGH)) < 0)
        return r;
    return fdt_end_node(fdt);
}

static void dummy_save(void *opaque, SaveBuf *b)
{
    Dummy *d = opaque;
    save_u32(b, d->reg);
    save_u32(b, d->writes);
    save_bytes(b, d->fifo, sizeof(d->fifo));
}

static bool dummy_load(void *opaque, LoadBuf *b)
{
    Dummy *d = opaque;
    d->reg = load_u32(b);
    d->writes = load_u32(b);
    load_bytes(b, d->fifo, sizeof(d->fifo));
    return !b->bad;
}

static void dummy_destroy(void *opaque)
{
    Dummy *d = opaque;
    (*d->destroyed)++;
    free(d);
}

static const DeviceOps dummy_ops = {
    .type = "dummy", .version = 3, .reset = dummy_reset, .fdt_node = dummy_fdt,
    .save = dummy_save, .load = dummy_load, .destroy = dummy_destroy,
};

static const DeviceOps dummy_ops_v4 = {
    .type = "dummy", .version = 4, .reset = dummy_reset, .fdt_node = dummy_fdt,
    .save = dummy_save, .load = dummy_load, .destroy = dummy_destroy,
};

/* A machine of one core and some RAM, built without a board file, with a
 * dummy device of OPS. */
static Machine *with_dummy(const DeviceOps *ops, int *destroyed, Dummy **out)
{
    Machine *m = machine_new(1000, 1);
    u64 mpidr = 0;
    if (!m || !machine_add_cpus(m, 1, &mpidr, true, true) ||
        !phys_add_ram(m, "ram", 0x40000000, 1 << 20, false))
        return m;
    Dummy *d = calloc(1, sizeof(*d));
    d->destroyed = destroyed;
    Device *dev = machine_add_device(m, ops, d, "dummy@a000000");
    if (!dev) {
        free(d);
        return m;
    }
    device_add_irq(dev, 32 + DUMMY_SPI);
    if (!device_map_mmio(m, dev, "dummy", DUMMY_BASE, 0x1000, dummy_read, dummy_write, false))
        return m;
    dummy_reset(d);
    *out = d;
    return m;
}

TEST(registry_dummy_device_mmio_reset_fdt)
{
    int destroyed = 0;
    Dummy *d = NULL;
    Machine *m = with_dummy(&dummy_ops, &destroyed, &d);
    ASSERT_TRUE(m && d);
    Device *dev = machine_find_device(m, "dummy");
    ASSERT_TRUE(dev && dev->opaque == d);
    ASSERT_EQ(dev->nmmio, 1);
    ASSERT_EQ(dev->mmio[0].base, DUMMY_BASE);
    ASSERT_EQ(dev->irq[0], 32 + DUMMY_SPI);
    /* MMIO through the physical map, as a core's access. */
    u64 v = 0;
    ASSERT_TRUE(phys_read(m, m->cpu[0], DUMMY_BASE, 4, &v));
    ASSERT_EQ(v, 0x1234);
    ASSERT_TRUE(phys_write(m, m->cpu[0], DUMMY_BASE, 4, 0xcafe));
    ASSERT_TRUE(phys_read(m, m->cpu[0], DUMMY_BASE + 4, 4, &v));
    ASSERT_EQ(v, 1);
    ASSERT_TRUE(!phys_write(m, m->cpu[0], DUMMY_BASE + 8, 4, 0));   /* slave error */
    /* Reset through the registry. */
    machine_reset_devices(m);
    ASSERT_EQ(d->reg, 0x1234);
    ASSERT_EQ(d->writes, 0);
    /* Its device-tree node, written by itself. */
    static u8 blob[4096];
    ASSERT_EQ(fdt_create(blob, sizeof(blob)), 0);
    ASSERT_EQ(fdt_finish_reservemap(blob), 0);
    ASSERT_EQ(fdt_begin_node(blob, ""), 0);
    FdtCtx ctx = {.intc_phandle = 1, .clk_phandle = 2, .gic_version = 3, .ncpu = 1};
    ASSERT_EQ(machine_fdt_devices(m, blob, &ctx), 0);
    ASSERT_EQ(fdt_end_node(blob), 0);
    ASSERT_EQ(fdt_finish(blob), 0);
    int node = fdt_path_offset(blob, "/dummy@a000000");
    ASSERT_TRUE(node >= 0);
    ASSERT_TRUE(!strcmp(fdt_getprop(blob, node, "compatible", NULL), "hyperstep,dummy"));
    int len = 0;
    const fdt32_t *irq = fdt_getprop(blob, node, "interrupts", &len);
    ASSERT_EQ(len, 12);
    ASSERT_EQ(fdt32_to_cpu(irq[1]), DUMMY_SPI);
    ASSERT_EQ(fdt32_to_cpu(irq[0]), FDT_GIC_SPI);
    const void *reg = fdt_getprop(blob, node, "reg", &len);
    ASSERT_EQ(len, 16);
    fdt64_t base;
    memcpy(&base, reg, 8);   /* properties are only 4-byte aligned */
    ASSERT_EQ(fdt64_to_cpu(base), DUMMY_BASE);
    /* Teardown destroys it (and frees the registry entry: ASan checks). */
    machine_free(m);
    ASSERT_EQ(destroyed, 1);
}

TEST(registry_dummy_device_save_load)
{
    int destroyed = 0;
    Dummy *a = NULL, *b = NULL;
    Machine *ma = with_dummy(&dummy_ops, &destroyed, &a);
    Machine *mb = with_dummy(&dummy_ops, &destroyed, &b);
    ASSERT_TRUE(a && b);
    phys_write(ma, ma->cpu[0], DUMMY_BASE, 4, 0x11);
    phys_write(ma, ma->cpu[0], DUMMY_BASE, 4, 0x22);
    SaveBuf sa = {0}, sb = {0};
    ASSERT_TRUE(machine_save_devices(ma, &sa));
    char err[256] = "";
    LoadBuf lb = loadbuf_of(sa.data, sa.len);
    ASSERT_TRUE(machine_load_devices(mb, &lb, err, sizeof(err)));
    ASSERT_TRUE(load_ok(&lb));
    ASSERT_EQ(b->reg, 0x22);
    ASSERT_EQ(b->writes, 2);
    ASSERT_TRUE(!memcmp(a->fifo, b->fifo, 3));
    ASSERT_TRUE(machine_save_devices(mb, &sb));
    ASSERT_EQ(sa.len, sb.len);
    ASSERT_TRUE(!memcmp(sa.data, sb.data, sa.len));
    /* Every truncation is refused with a message, never a crash. */
    for (size_t n = 0; n < sa.len; n++) {
        LoadBuf t = loadbuf_of(sa.data, n);
        err[0] = 0;
        ASSERT_TRUE(!machine_load_devices(mb, &t, err, sizeof(err)));
        ASSERT_TRUE(err[0] != 0);
    }
    /* Another version of the device's format is refused by name. */
    int d2 = 0;
    Dummy *c = NULL;
    Machine *mc = with_dummy(&dummy_ops_v4, &d2, &c);
    LoadBuf lc = loadbuf_of(sa.data, sa.len);
    ASSERT_TRUE(!machine_load_devices(mc, &lc, err, sizeof(err)));
    ASSERT_TRUE(strstr(err, "version 3") != NULL);
    savebuf_free(&sa);
    savebuf_free(&sb);
    machine_free(ma);
    machine_free(mb);
    machine_free(mc);
    ASSERT_EQ(destroyed, 2);
    ASSERT_EQ(d2, 1);
}

/* The virt board's DTB picks up a device added after the board was built,
 * without the board file knowing it. */
TEST(registry_dummy_device_in_board_dtb)
{
    Machine *m = board_new(3, 2, false, true);
    ASSERT_TRUE(m);
    int destroyed = 0;
    Dummy *d = calloc(1, sizeof(*d));
    d->destroyed = &destroyed;
    ASSERT_TRUE(machine_add_device(m, &dummy_ops, d, "dummy"));
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = 3;
    o.smp = 2;
    o.virtualization = true;
    size_t size = 0;
    void *blob = virt_build_fdt(m, &o, 0, 0, &size);
    ASSERT_TRUE(blob);
    ASSERT_TRUE(fdt_path_offset(blob, "/dummy@a000000") >= 0);
    ASSERT_TRUE(fdt_path_offset(blob, "/pl011@9000000") >= 0);
    ASSERT_TRUE(fdt_path_offset(blob, "/timer") >= 0);
    ASSERT_TRUE(fdt_path_offset(blob, "/psci") >= 0);
    free(blob);
    virt_destroy(m);
    ASSERT_EQ(destroyed, 1);
}

/* RMR_EL3.RR=1 warm reset: the interrupt the GIC holds pending stays on the
 * core's input line (wiring, not core state) and is taken once the reset
 * firmware routes and unmasks it. */
TEST(rmr_warm_reset_keeps_pending_interrupt)
{
    Machine *m = board_new(3, 1, true, true);
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    board_at(c, 3, false, 0);
    mmio_wr(m, 0, 0x08000000, 3);                      /* GICD_CTLR: both groups */
    sr_wr(c, "ICC_PMR_EL1", 0xff);
    sr_wr(c, "ICC_IGRPEN0_EL1", 1);
    mmio_wr(m, 0, 0x080a0000 + 0x14, 0);                /* GICR_WAKER: awake */
    mmio_wr(m, 0, 0x080b0000 + 0x100, 1u << 3);         /* GICR_ISENABLER0: SGI 3 */
    sr_wr(c, "ICC_SGI0R_EL1", 3ull << 24 | 1);          /* Group 0 SGI 3 to core 0 */
    ASSERT_EQ(c->irq_lines & CPU_LINE_FIQ, CPU_LINE_FIQ);
    sr_wr(c, "RMR_EL3", 2);                             /* warm reset */
    ASSERT_EQ(c->el, 3);
    ASSERT_EQ(c->scr_el3, 0);
    ASSERT_EQ(c->irq_lines & CPU_LINE_FIQ, CPU_LINE_FIQ);   /* still pending */
    /* Reset firmware routes FIQs to EL3 and unmasks them: taken now. */
    c->vbar_el[3] = 0x40001000;
    c->scr_el3 |= SCR_EL3_FIQ;
    c->daif = 0;
    ASSERT_TRUE(exc_check_async(c));
    ASSERT_EQ(c->pc, 0x40001000 + 0x300);   /* FIQ, current EL with SP_ELx */
    virt_destroy(m);
}

/* Every device of the virt board (GIC, timer, UART, RTC, PSCI, ...) saved
 * through the registry and loaded into a second board: saving it again
 * gives the same bytes, and the state is visible through MMIO. */
TEST(registry_board_round_trip)
{
    Machine *a = board_new(3, 2, false, true);
    Machine *b = board_new(3, 2, false, true);
    ASSERT_TRUE(a && b);
    mmio_wr(a, 0, 0x08000000, 3);                 /* GICD_CTLR */
    mmio_wr(a, 0, 0x08000000 + 0x400 + 40, 0xa0); /* GICD_IPRIORITYR: SPI 8 */
    mmio_wr(a, 1, 0x09000000 + 0x38, 0x10);       /* UARTIMSC */
    mmio_wr(a, 0, 0x09010000 + 0x04, 12345);      /* RTCMR */
    sr_wr(a->cpu[1], "CNTP_CVAL_EL0", 0x1234567);
    sr_wr(a->cpu[1], "CNTP_CTL_EL0", 1);
    SaveBuf sa = {0}, sb = {0};
    ASSERT_TRUE(machine_save_devices(a, &sa));
    char err[256] = "";
    LoadBuf l = loadbuf_of(sa.data, sa.len);
    ASSERT_TRUE(machine_load_devices(b, &l, err, sizeof(err)));
    ASSERT_EQ(mmio_rd(b, 0, 0x08000000 + 0x400 + 40), 0xa0);
    ASSERT_EQ(mmio_rd(b, 0, 0x09000000 + 0x38), 0x10);
    ASSERT_EQ(mmio_rd(b, 0, 0x09010000 + 0x04), 12345);
    ASSERT_EQ(sr_rd(b->cpu[1], "CNTP_CVAL_EL0"), 0x1234567);
    ASSERT_TRUE(machine_save_devices(b, &sb));
    ASSERT_EQ(sa.len, sb.len);
    ASSERT_TRUE(!memcmp(sa.data, sb.data, sa.len));
    /* A board with a different device list is refused by name. */
    Machine *c = board_new(2, 2, false, true);
    LoadBuf lc = loadbuf_of(sa.data, sa.len);
    ASSERT_TRUE(!machine_load_devices(c, &lc, err, sizeof(err)));
    ASSERT_TRUE(strstr(err, "gicv3") != NULL);
    savebuf_free(&sa);
    savebuf_free(&sb);
    virt_destroy(a);
    virt_destroy(b);
    virt_destroy(c);
}
