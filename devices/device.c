/*
 * devices/device.c — device-tree property helpers shared by device models
 * (see device.h).  The registry itself is machine/machine.c.
 */
#include <libfdt.h>

#include "devices/device.h"

int fdt_prop_cells(void *fdt, const char *name, const u32 *v, unsigned n)
{
    fdt32_t buf[64];
    if (n > 64)
        return -FDT_ERR_BADVALUE;
    for (unsigned i = 0; i < n; i++)
        buf[i] = cpu_to_fdt32(v[i]);
    return fdt_property(fdt, name, buf, (int)(n * sizeof(fdt32_t)));
}

int fdt_prop_u64s(void *fdt, const char *name, const u64 *v, unsigned n)
{
    fdt64_t buf[32];
    if (n > 32)
        return -FDT_ERR_BADVALUE;
    for (unsigned i = 0; i < n; i++)
        buf[i] = cpu_to_fdt64(v[i]);
    return fdt_property(fdt, name, buf, (int)(n * sizeof(fdt64_t)));
}

int fdt_prop_reg(void *fdt, u64 base, u64 size)
{
    u64 r[2] = {base, size};
    return fdt_prop_u64s(fdt, "reg", r, 2);
}

int fdt_prop_spi(void *fdt, u32 spi, u32 flags)
{
    u32 irq[3] = {FDT_GIC_SPI, spi, flags};
    return fdt_prop_cells(fdt, "interrupts", irq, 3);
}
