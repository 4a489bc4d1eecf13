#include "lib.h"
int main(void){return hs_report();}
