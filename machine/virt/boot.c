/*
 * machine/virt/boot.c — what goes into memory before the first instruction
 * and the registers the boot core starts with, following QEMU's
 * hw/arm/boot.c so that command lines behave the same:
 *   -bios F        raw image in flash at 0x0, entry 0x0, DTB at the start of RAM
 *   -kernel ELF    PT_LOAD segments, entry e_entry (DTB at RAM base if free)
 *   -kernel Image  Linux arm64 Image (Documentation/arm64/booting.rst),
 *                  gzip accepted: loaded at RAM + 2 MiB + text_offset, initrd
 *                  at RAM + min(RAM/2, 128 MiB), DTB 2 MiB-aligned after it;
 *                  x0 = DTB, x1..x3 = 0
 *   -kernel raw    at RAM + 0x10000, booted like an Image
 *   -device loader files/PCs, -initrd, -append, -dtb, dumpdtb=
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cpu/regs.h"
#include "devices/fw_cfg/fw_cfg.h"
#include "firmware/semihosting/semihosting.h"
#include "machine/virt/virt.h"

#define MiB (1ull << 20)
#define IMAGE_MAGIC 0x644d5241u   /* "ARM\x64" at offset 0x38 */
#define MAX_IMAGE (512 * MiB)

/* Read a whole file, gunzipping it if it is gzip. NULL + ERR on failure. */
static u8 *read_file(const char *path, u64 *len, bool gunzip, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", path, f ? "not a regular file" : "cannot open");
        if (f)
            fclose(f);
        return NULL;
    }
    u8 *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        snprintf(err, errlen, "%s: read failed", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (u64)st.st_size;
    if (gunzip && *len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        u64 cap = 64 * MiB, out = 0;
        u8 *dst = malloc(cap);
        z_stream z = {0};
        int r = dst ? inflateInit2(&z, 16 + MAX_WBITS) : Z_MEM_ERROR;
        z.next_in = buf;
        z.avail_in = (uInt)*len;
        while (r == Z_OK) {
            if (out == cap) {
                if (cap >= MAX_IMAGE)
                    break;
                u8 *n = realloc(dst, cap * 2);
                if (!n)
                    break;
                dst = n;
                cap *= 2;
            }
            z.next_out = dst + out;
            z.avail_out = (uInt)(cap - out);
            r = inflate(&z, Z_NO_FLUSH);
            out = cap - z.avail_out;
        }
        inflateEnd(&z);
        free(buf);
        if (r != Z_STREAM_END) {
            snprintf(err, errlen, "%s: corrupt or too large gzip data", path);
            free(dst);
            return NULL;
        }
        *len = out;
        return dst;
    }
    return buf;
}

static bool is_linux_image(const u8 *b, u64 len)
{
    u32 magic;
    if (len < 64)
        return false;
    memcpy(&magic, b + 0x38, 4);
    return magic == IMAGE_MAGIC;
}

static bool put(Machine *m, u64 pa, const void *b, u64 len, const char *what, char *err, size_t errlen)
{
    if (!phys_write_buf(m, pa, b, len)) {
        snprintf(err, errlen, "%s (%llu bytes) does not fit in guest memory at 0x%llx", what,
                 (unsigned long long)len, (unsigned long long)pa);
        return false;
    }
    semihosting_note_image(m, pa, len);
    return true;
}

/* The DTB to give the guest: the user's (-dtb, with /chosen patched as QEMU
 * does) or ours. */
static void *make_dtb(Machine *m, const VirtOptions *o, u64 initrd, u64 initrd_len, size_t *size,
                      char *err, size_t errlen)
{
    if (!o->dtb) {
        void *f = virt_build_fdt(m, o, initrd, initrd_len, size);
        if (!f)
            snprintf(err, errlen, "internal error building the device tree");
        return f;
    }
    u64 len;
    u8 *raw = read_file(o->dtb, &len, false, err, errlen);
    if (!raw)
        return NULL;
    /* fdt_check_full: the header and every block and tag, so that
     * fdt_open_into() and the edits below only see a consistent blob. */
    if (len < sizeof(struct fdt_header) || fdt_check_header(raw) || fdt_totalsize(raw) > len ||
        fdt_check_full(raw, len)) {
        snprintf(err, errlen, "%s: not a valid device tree blob", o->dtb);
        free(raw);
        return NULL;
    }
    size_t cap = len + 4096 + (o->append ? strlen(o->append) : 0);
    void *f = malloc(cap);
    if (!f || fdt_open_into(raw, f, (int)cap)) {
        snprintf(err, errlen, "%s: cannot open device tree", o->dtb);
        free(raw);
        free(f);
        return NULL;
    }
    free(raw);
    int chosen = fdt_path_offset(f, "/chosen");
    if (chosen < 0)
        chosen = fdt_add_subnode(f, 0, "chosen");
    if (chosen >= 0 && o->append)
        fdt_setprop_string(f, chosen, "bootargs", o->append);
    if (chosen >= 0 && initrd_len) {
        fdt_setprop_u64(f, chosen, "linux,initrd-start", initrd);
        fdt_setprop_u64(f, chosen, "linux,initrd-end", initrd + initrd_len);
    }
    fdt_pack(f);
    *size = fdt_totalsize(f);
    return f;
}

/* -kernel/-initrd/-append for firmware (QEMU load_image_to_fw_cfg()):
 * KERNEL_SIZE/DATA (a gzip kernel decompressed, as QEMU does on AArch64),
 * INITRD_SIZE/DATA (as is; size 0 without -initrd), CMDLINE_SIZE/DATA
 * (the string with its NUL; "" without -append). */
static bool fw_cfg_linux_items(Machine *m, const VirtOptions *o, char *err, size_t errlen)
{
    Device *d = machine_find_device(m, "fw_cfg");
    if (!d) {
        snprintf(err, errlen, "-kernel with -bios: the board has no fw_cfg device");
        return false;
    }
    FwCfg *s = d->opaque;
    u64 klen, ilen = 0;
    err[0] = 0;
    u8 *k = read_file(o->kernel, &klen, true, err, errlen);
    if (!k)
        return false;
    u8 *i = NULL;
    if (o->initrd && !(i = read_file(o->initrd, &ilen, false, err, errlen))) {
        free(k);
        return false;
    }
    const char *cmd = o->append ? o->append : "";
    bool ok = klen <= 0xffffffffu && ilen <= 0xffffffffu;
    if (!ok)
        snprintf(err, errlen, "-kernel/-initrd: larger than the 4 GiB fw_cfg items hold");
    ok = ok && fw_cfg_add_i32(s, FW_CFG_KERNEL_SIZE, (u32)klen) &&
         fw_cfg_add_bytes(s, FW_CFG_KERNEL_DATA, k, (u32)klen) &&
         fw_cfg_add_i32(s, FW_CFG_INITRD_SIZE, (u32)ilen) &&
         fw_cfg_add_bytes(s, FW_CFG_INITRD_DATA, i, (u32)ilen) &&
         fw_cfg_add_i32(s, FW_CFG_CMDLINE_SIZE, (u32)strlen(cmd) + 1) &&
         fw_cfg_add_bytes(s, FW_CFG_CMDLINE_DATA, cmd, (u32)strlen(cmd) + 1);
    if (!ok && !err[0])
        snprintf(err, errlen, "fw_cfg: out of memory for the kernel items");
    free(k);
    free(i);
    return ok;
}

bool virt_boot(Machine *m, const VirtOptions *o, char *err, size_t errlen)
{
    u64 entry = 0, dtb_addr = 0;
    bool have_entry = false, linux_boot = false, want_dtb = false;
    u64 kernel_end = m->ram_base;

    if (o->bios) {
        u64 len;
        u64 bank = virt_memmap[VIRT_FLASH].size / 2;
        struct stat st;
        if (!stat(o->bios, &st) && S_ISREG(st.st_mode) && (u64)st.st_size > bank) {
            snprintf(err, errlen, "-bios %s: %llu bytes do not fit the %llu MiB flash bank 0", o->bios,
                     (unsigned long long)st.st_size, (unsigned long long)(bank >> 20));
            return false;
        }
        if (!load_raw(m, o->bios, VIRT_FLASH_BASE, &len, err, errlen))
            return false;
        entry = VIRT_FLASH_BASE;
        have_entry = true;
        want_dtb = true;
        dtb_addr = m->ram_base;   /* firmware finds the DTB at the start of RAM */
    }
    if (o->kernel && !o->bios) {
        if (file_is_elf(o->kernel)) {
            if (!load_elf(m, o->kernel, &entry, err, errlen))
                return false;
        } else {
            u64 len;
            u8 *img = read_file(o->kernel, &len, true, err, errlen);
            if (!img)
                return false;
            u64 load;
            if (is_linux_image(img, len)) {
                u64 text_offset, image_size;
                memcpy(&text_offset, img + 8, 8);
                memcpy(&image_size, img + 16, 8);
                load = m->ram_base + (image_size ? text_offset : 0x80000);
                if (load - m->ram_base < 2 * MiB)
                    load += 2 * MiB;   /* keep the bottom 2 MiB as QEMU's boot stub does */
                kernel_end = load + (image_size > len ? image_size : len);
            } else {
                load = m->ram_base + 0x10000;
                kernel_end = load + len;
            }
            bool ok = put(m, load, img, len, o->kernel, err, errlen);
            free(img);
            if (!ok)
                return false;
            entry = load;
            linux_boot = true;
        }
        have_entry = true;
        want_dtb = true;
    } else if (o->kernel && o->bios) {
        /* The firmware loads them from fw_cfg (QEMU arm_load_kernel with
         * firmware_loaded): nothing enters RAM but the DTB. */
        if (!fw_cfg_linux_items(m, o, err, errlen))
            return false;
    }

    /* initrd and DTB placement (QEMU hw/arm/boot.c). */
    u64 initrd = 0, initrd_len = 0;
    if (o->initrd && o->bios && !o->kernel) {
        snprintf(err, errlen, "-initrd with -bios needs -kernel (the firmware loads both from fw_cfg)");
        return false;
    }
    if (o->initrd && !o->bios) {
        u8 *b = read_file(o->initrd, &initrd_len, false, err, errlen);
        if (!b)
            return false;
        u64 half = m->ram_size / 2 < 128 * MiB ? m->ram_size / 2 : 128 * MiB;
        initrd = m->ram_base + half;
        if (initrd < kernel_end)
            initrd = (kernel_end + 4095) & ~4095ull;
        bool ok = put(m, initrd, b, initrd_len, o->initrd, err, errlen);
        free(b);
        if (!ok)
            return false;
    }
    if (linux_boot) {
        u64 after = o->initrd ? initrd + initrd_len : m->ram_base + (m->ram_size / 2 < 128 * MiB ? m->ram_size / 2 : 128 * MiB);
        if (after < kernel_end)
            after = kernel_end;
        dtb_addr = (after + 2 * MiB - 1) & ~(2 * MiB - 1);
    }
    if (want_dtb || o->dump_dtb) {
        size_t sz;
        void *f = make_dtb(m, o, initrd, initrd_len, &sz, err, errlen);
        if (!f)
            return false;
        if (o->dump_dtb) {
            FILE *out = fopen(o->dump_dtb, "wb");
            bool ok = out && fwrite(f, 1, sz, out) == sz;
            if (out)
                fclose(out);
            free(f);
            if (!ok) {
                snprintf(err, errlen, "%s: cannot write the device tree", o->dump_dtb);
                return false;
            }
            return true;   /* caller exits after dumping, as QEMU does */
        }
        /* An ELF occupying the start of RAM keeps it: no DTB then (QEMU). */
        bool ok = true;
        if (!o->kernel || linux_boot || !file_is_elf(o->kernel)) {
            ok = put(m, dtb_addr, f, sz, "device tree", err, errlen);
        } else {
            u32 probe = 0;
            phys_read_buf(m, m->ram_base, &probe, 4);
            if (probe == 0) {
                dtb_addr = m->ram_base;
                ok = put(m, dtb_addr, f, sz, "device tree", err, errlen);
            } else {
                dtb_addr = 0;
            }
        }
        free(f);
        if (!ok)
            return false;
    }

    for (unsigned i = 0; i < o->nloaders; i++) {
        const LoaderSpec *l = &o->loader[i];
        if (l->file) {
            if (!l->force_raw && file_is_elf(l->file)) {
                u64 e;
                if (!load_elf(m, l->file, &e, err, errlen))
                    return false;
                if (l->cpu_num >= 0 && (unsigned)l->cpu_num < m->ncpu) {
                    m->cpu[l->cpu_num]->pc = e;
                    if (l->cpu_num == 0 && !have_entry) {
                        entry = e;
                        have_entry = true;
                    }
                }
            } else if (!load_raw(m, l->file, l->addr, NULL, err, errlen)) {
                return false;
            }
        } else {
            if ((unsigned)l->cpu_num >= m->ncpu) {
                snprintf(err, errlen, "-device loader: cpu-num=%d but the machine has %u cores",
                         l->cpu_num, m->ncpu);
                return false;
            }
            m->cpu[l->cpu_num]->pc = l->addr;
            if (l->cpu_num == 0) {
                entry = l->addr;
                have_entry = true;
            }
        }
    }
    if (!have_entry) {
        snprintf(err, errlen, "nothing to run: give -kernel, -bios or -device loader");
        return false;
    }

    /* Boot state (QEMU hw/arm/boot.c do_cpu_reset). */
    unsigned el = m->boot_el;
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        if (el < 3)
            c->scr_el3 = SCR_EL3_NS | SCR_EL3_RW | (c->have_el2 ? SCR_EL3_HCE : 0) | 0x30;
        if (el < 2)
            c->hcr_el2 = HCR_EL2_RW;
        u64 pc = c->pc;
        cpu_set_pstate(c, PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F | (u64)el << 2 | 1);
        c->pc = i == 0 ? entry : pc;
    }
    if (linux_boot) {
        Cpu *c = m->cpu[0];
        c->x[0] = dtb_addr;
        c->x[1] = c->x[2] = c->x[3] = 0;
    }
    m->dtb_addr = dtb_addr;
    return true;
}
