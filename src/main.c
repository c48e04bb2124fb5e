#include <stdio.h>
int main(void) { puts("digs"); return 0; }
