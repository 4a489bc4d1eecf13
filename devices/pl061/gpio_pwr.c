/*
 * devices/pl061/gpio_pwr.c — QEMU virt's gpio-pwr (hw/gpio/gpio_pwr.c,
 * virt.c create_secure_gpio_pwr()): two output pins of the Secure PL061
 * that power the machine off or reset it when they go high.  TF-A
 * PLAT=qemu implements PSCI SYSTEM_OFF / SYSTEM_RESET by setting them.
 */
#include <libfdt.h>
#include <stdlib.h>

#include "devices/pl061/pl061.h"
#include "trace/trace.h"

typedef struct GpioPwr {
    Machine *m;
    Pl061 *g;
    unsigned pin[2];   /* [GPIO_PWR_SHUTDOWN], [GPIO_PWR_RESET] */
} GpioPwr;

/* IrqLine sink: LINE is GPIO_PWR_SHUTDOWN or GPIO_PWR_RESET. */
static void pwr_set(void *opaque, unsigned line, bool level)
{
    GpioPwr *p = opaque;
    Machine *m = p->m;
    if (!level)
        return;
    if (m->trace & TRACE_PSCI)
        trace_line(m, "gpio-pwr: Secure GPIO pin %u high: machine %s", p->pin[line],
                   line == GPIO_PWR_RESET ? "resets" : "powers off");
    if (line == GPIO_PWR_RESET)
        m->reset_requested = true;
    m->exit_requested = true;
    m->exit_code = 0;
    if (m->current)
        m->current->pending |= PEND_STOP;   /* the writing core leaves its slot now */
}

static int pwr_node(void *fdt, const char *name, u32 phandle, unsigned pin)
{
    u32 gpios[3] = {phandle, pin, 0};
    int e;
    if ((e = fdt_begin_node(fdt, name)) < 0 || (e = fdt_property_string(fdt, "compatible", name)) < 0 ||
        (e = fdt_prop_cells(fdt, "gpios", gpios, 3)) < 0 ||
        (e = fdt_property_string(fdt, "status", "disabled")) < 0 ||
        (e = fdt_property_string(fdt, "secure-status", "okay")) < 0)
        return e;
    return fdt_end_node(fdt);
}

static int pwr_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    GpioPwr *p = opaque;
    int e;
    (void)ctx;
    if ((e = pwr_node(fdt, "gpio-poweroff", pl061_phandle(p->g), p->pin[GPIO_PWR_SHUTDOWN])) < 0)
        return e;
    return pwr_node(fdt, "gpio-restart", pl061_phandle(p->g), p->pin[GPIO_PWR_RESET]);
}

static void pwr_destroy(void *opaque)
{
    free(opaque);
}

/* No state of its own: the pin levels are the PL061's. */
static const DeviceOps pwr_ops = {
    .type = "gpio-pwr",
    .version = PL061_SAVE_VERSION,
    .fdt_node = pwr_fdt,
    .destroy = pwr_destroy,
};

bool gpio_pwr_create(Machine *m, Pl061 *g, unsigned poweroff_pin, unsigned reset_pin)
{
    GpioPwr *p = calloc(1, sizeof(*p));
    if (!p) {
        hs_log("hyperstep: gpio-pwr: out of memory");
        return false;
    }
    p->m = m;
    p->g = g;
    p->pin[GPIO_PWR_SHUTDOWN] = poweroff_pin;
    p->pin[GPIO_PWR_RESET] = reset_pin;
    if (!machine_add_device(m, &pwr_ops, p, "gpio-pwr")) {
        free(p);
        return false;
    }
    pl061_connect_out(g, poweroff_pin, (IrqLine){pwr_set, p, GPIO_PWR_SHUTDOWN});
    pl061_connect_out(g, reset_pin, (IrqLine){pwr_set, p, GPIO_PWR_RESET});
    return true;
}
