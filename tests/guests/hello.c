/* Smallest guest: prints, checks the EL it started at, exits 0. */
#include "lib.h"

int main(void)
{
    hs_printf("hello from EL%d\n", hs_current_el());
    CHECK(hs_current_el() >= 1);
    return hs_report();
}
