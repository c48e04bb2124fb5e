/* Placeholder until `digs analyze` lands. */
#include <stdio.h>

#include "driver/commands.h"

const char digs_usage_analyze[] = "usage: digs analyze FILE [REFERENCE]\n";

int digs_cmd_analyze(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("digs analyze: not available yet\n", stderr);
    return 1;
}
