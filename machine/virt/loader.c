/*
 * machine/virt/loader.c — image loading: ELF through libelf (PT_LOAD
 * segments at their physical addresses, as QEMU's -kernel does for ELF) and
 * raw files.  Every failure returns a one-line reason; nothing is partially
 * trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/semihosting/semihosting.h"
#include "machine/virt/virt.h"

bool file_is_elf(const char *path)
{
    unsigned char mag[4];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool ok = fread(mag, 1, 4, f) == 4 && !memcmp(mag, ELFMAG, 4);
    fclose(f);
    return ok;
}

static bool range_in_memory(Machine *m, u64 pa, u64 len)
{
    while (len) {
        MemRegion *r = phys_find(m, pa);
        if (!r || !r->host)
            return false;
        u64 n = r->base + r->size - pa;
        if (n >= len)
            return true;
        pa += n;
        len -= n;
    }
    return true;
}

bool load_elf(Machine *m, const char *path, u64 *entry, char *err, size_t errlen)
{
    bool ok = false;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    fstat(fd, &st);
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    size_t nph = 0;
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        snprintf(err, errlen, "%s: not a valid ELF file (truncated or corrupt ELF header)", path);
        goto out;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_AARCH64) {
        snprintf(err, errlen, "%s: ELF is not AArch64 (class %d, machine %d; need ELFCLASS64/EM_AARCH64)",
                 path, eh.e_ident[EI_CLASS], eh.e_machine);
        goto out;
    }
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "%s: big-endian ELF is not supported", path);
        goto out;
    }
    if (elf_getphdrnum(e, &nph) != 0 || nph == 0) {
        snprintf(err, errlen, "%s: ELF has no program headers", path);
        goto out;
    }
    unsigned loaded = 0;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            snprintf(err, errlen, "%s: cannot read program header %zu (truncated file?)", path, i);
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > (u64)st.st_size ||
            ph.p_filesz > (u64)st.st_size - ph.p_offset) {
            snprintf(err, errlen, "%s: segment %zu extends past the end of the file (truncated ELF)", path, i);
            goto out;
        }
        if (ph.p_paddr + ph.p_memsz < ph.p_paddr || !range_in_memory(m, ph.p_paddr, ph.p_memsz)) {
            snprintf(err, errlen, "%s: segment %zu at 0x%llx-0x%llx is outside guest RAM/flash", path, i,
                     (unsigned long long)ph.p_paddr, (unsigned long long)(ph.p_paddr + ph.p_memsz));
            goto out;
        }
        u8 *buf = calloc(1, ph.p_memsz ? ph.p_memsz : 1);
        if (!buf) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto out;
        }
        if (ph.p_filesz && pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
            snprintf(err, errlen, "%s: short read of segment %zu", path, i);
            free(buf);
            goto out;
        }
        phys_write_buf(m, ph.p_paddr, buf, ph.p_memsz);
        semihosting_note_image(m, ph.p_paddr, ph.p_memsz);
        free(buf);
        loaded++;
    }
    if (!loaded) {
        snprintf(err, errlen, "%s: ELF has no loadable segments", path);
        goto out;
    }
    *entry = eh.e_entry;
    ok = true;
out:
    if (e)
        elf_end(e);
    close(fd);
    return ok;
}

bool load_raw(Machine *m, const char *path, u64 pa, u64 *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return false;
    }
    u64 len = (u64)st.st_size;
    if (!range_in_memory(m, pa, len ? len : 1)) {
        snprintf(err, errlen, "%s: %llu bytes at 0x%llx do not fit in guest RAM/flash", path,
                 (unsigned long long)len, (unsigned long long)pa);
        fclose(f);
        return false;
    }
    u8 *buf = malloc(len ? len : 1);
    if (!buf || fread(buf, 1, len, f) != len) {
        snprintf(err, errlen, "%s: read failed", path);
        free(buf);
        fclose(f);
        return false;
    }
    phys_write_buf(m, pa, buf, len);
    semihosting_note_image(m, pa, len);
    free(buf);
    fclose(f);
    if (size)
        *size = len;
    return true;
}
