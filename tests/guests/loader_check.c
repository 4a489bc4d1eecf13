/*
 * loader_check.c — prints the first 8 bytes at the addresses the seed
 * command line's -device loader options name (0x80200000 and 0x88000000),
 * so tests/tools/seed_cmdline.py can check each file landed where it says.
 */
#include "lib.h"

int main(void)
{
    static const u64 at[] = {0x80200000ul, 0x88000000ul};
    for (unsigned i = 0; i < 2; i++) {
        volatile u64 *p = (volatile u64 *)at[i];
        hs_printf("at 0x%lx: %016lx\n", at[i], *p);
    }
    hs_printf("cores %d EL%d\n", 1, hs_current_el());
    return hs_report();
}
