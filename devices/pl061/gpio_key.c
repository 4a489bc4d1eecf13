/*
 * devices/pl061/gpio_key.c — QEMU virt's power key (hw/gpio/gpio_key.c and
 * virt.c create_gpio_keys()): an input pin of the Non-secure PL061 that a
 * press holds high for GPIO_KEY_LATENCY_NS of virtual time.  Presses are
 * queued with the global step they happen at, like UART input
 * (uart_input_at), so a run is the same however the press was requested.
 */
#include <libfdt.h>
#include <stdlib.h>

#include "devices/pl061/pl061.h"
#include "trace/trace.h"

#define KEY_QUEUE 16

typedef struct GpioKey {
    Machine *m;
    Pl061 *g;
    unsigned pin;
    bool pressed;          /* the pin is high */
    u64 release_ns;        /* virtual time it falls (when pressed) */
    u64 queue[KEY_QUEUE];  /* steps of presses not yet made, in order */
    unsigned nqueue;
} GpioKey;

static void key_tick(void *opaque, u64 now_ns)
{
    GpioKey *k = opaque;
    if (k->pressed && now_ns >= k->release_ns) {
        k->pressed = false;
        pl061_set_input(k->g, k->pin, false);
    }
    unsigned n = 0;
    while (n < k->nqueue && k->queue[n] <= k->m->steps)
        n++;
    if (n) {
        for (unsigned i = n; i < k->nqueue; i++)
            k->queue[i - n] = k->queue[i];
        k->nqueue -= n;
        if (k->m->trace & TRACE_PSCI)
            trace_line(k->m, "gpio-keys: power key pressed at step %llu (pin %u high for %llu ns)",
                       (unsigned long long)k->m->steps, k->pin, (unsigned long long)GPIO_KEY_LATENCY_NS);
        k->release_ns = now_ns + GPIO_KEY_LATENCY_NS;   /* a press while held extends it, as QEMU */
        if (!k->pressed) {
            k->pressed = true;
            pl061_set_input(k->g, k->pin, true);
        }
    }
}

static u64 key_deadline(void *opaque)
{
    GpioKey *k = opaque;
    Machine *m = k->m;
    /* A press still queued: no idle skip before it (steps advance one
     * quantum per round, idle or not, so an idle machine reaches the step
     * by running rounds; skipping virtual time would not bring it closer). */
    if (k->nqueue)
        return m->round_start_ns;
    return k->pressed ? k->release_ns : UINT64_MAX;
}

bool gpio_key_press_at(Machine *m, u64 step)
{
    Device *d = machine_find_device(m, "gpio-keys");
    GpioKey *k = d ? d->opaque : NULL;
    if (!k || k->nqueue == KEY_QUEUE)
        return false;
    if (k->nqueue && step < k->queue[k->nqueue - 1])
        step = k->queue[k->nqueue - 1];   /* keep the queue in step order */
    k->queue[k->nqueue++] = step;
    return true;
}

/* Reset: the key is released; queued presses stay (they come from outside). */
static void key_reset(void *opaque)
{
    GpioKey *k = opaque;
    if (k->pressed) {
        k->pressed = false;
        pl061_set_input(k->g, k->pin, false);
    }
}

static int key_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    GpioKey *k = opaque;
    u32 gpios[3] = {pl061_phandle(k->g), k->pin, 0};
    int e;
    (void)ctx;
    if ((e = fdt_begin_node(fdt, "gpio-keys")) < 0 || (e = fdt_property_string(fdt, "compatible", "gpio-keys")) < 0 ||
        (e = fdt_begin_node(fdt, "poweroff")) < 0 ||
        (e = fdt_property_string(fdt, "label", "GPIO Key Poweroff")) < 0 ||
        (e = fdt_property_u32(fdt, "linux,code", GPIO_KEY_POWER_CODE)) < 0 ||
        (e = fdt_prop_cells(fdt, "gpios", gpios, 3)) < 0 || (e = fdt_end_node(fdt)) < 0)
        return e;
    return fdt_end_node(fdt);
}

static void key_save(void *opaque, SaveBuf *b)
{
    GpioKey *k = opaque;
    save_bool(b, k->pressed);
    save_u64(b, k->release_ns);
    save_u32(b, k->nqueue);
    for (unsigned i = 0; i < k->nqueue; i++)
        save_u64(b, k->queue[i]);
}

static bool key_load(void *opaque, LoadBuf *b)
{
    GpioKey *k = opaque;
    GpioKey t = *k;
    t.pressed = load_bool(b);
    t.release_ns = load_u64(b);
    t.nqueue = load_u32(b);
    if (b->bad || t.nqueue > KEY_QUEUE) {
        load_fail(b);
        return false;
    }
    for (unsigned i = 0; i < t.nqueue; i++) {
        t.queue[i] = load_u64(b);
        if (i && t.queue[i] < t.queue[i - 1])
            load_fail(b);
    }
    if (b->bad)
        return false;
    *k = t;
    pl061_set_input(k->g, k->pin, k->pressed);
    return true;
}

static void key_destroy(void *opaque)
{
    free(opaque);
}

static const DeviceOps key_ops = {
    .type = "gpio-keys",
    .version = PL061_SAVE_VERSION,
    .reset = key_reset,
    .fdt_node = key_fdt,
    .save = key_save,
    .load = key_load,
    .destroy = key_destroy,
};

bool gpio_key_create(Machine *m, Pl061 *g, unsigned pin)
{
    GpioKey *k = calloc(1, sizeof(*k));
    if (!k) {
        hs_log("hyperstep: gpio-keys: out of memory");
        return false;
    }
    k->m = m;
    k->g = g;
    k->pin = pin;
    if (!machine_add_device(m, &key_ops, k, "gpio-keys")) {
        free(k);
        return false;
    }
    machine_add_clock(m, key_tick, key_deadline, k);
    return true;
}
