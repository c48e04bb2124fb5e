/* Subcommands of the `digs` program.  Each returns the process exit code
 * (0 success, 1 failure, 2 usage error) and is called by every rank after
 * MPI_Init; failures are reported once, by the rank that saw them. */
#ifndef DIGS_DRIVER_COMMANDS_H
#define DIGS_DRIVER_COMMANDS_H

int digs_cmd_run(int argc, char **argv);
int digs_cmd_energy(int argc, char **argv);
int digs_cmd_sample(int argc, char **argv);
int digs_cmd_analyze(int argc, char **argv); /* src/analysis/cmd_analyze.c */

/* Usage texts (printed by --help). */
extern const char digs_usage_run[];
extern const char digs_usage_energy[];
extern const char digs_usage_sample[];
extern const char digs_usage_analyze[];

#endif
