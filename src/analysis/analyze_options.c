/* Option parsing of `digs analyze` (contract in analyze_options.h). */
#include "analysis/analyze_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bootstrap.h"

/* Parse an integer in [min, max] from text; 0 on success. */
static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static void defaults(digs_analyze_options *o)
{
    memset(o, 0, sizeof *o);
    o->group = "chains";
    o->ref_samples = 10000;
    o->subset = DIGS_BOOTSTRAP_SIZE;
    o->mmd_samples = 10000;
    o->bootstrap = DIGS_BOOTSTRAP_REPEATS;
    o->bins = DIGS_TVD_BINS;
    o->seed = 1;
    o->pdb_chain = -1;
}

/* Options taking an integer: name, bounds, destination kind. */
typedef struct int_option {
    const char *name;
    long min, max;
    size_t offset;
    int is_int;   /* 1: int field, 2: uint32_t field, 0: long field */
} int_option;

static const int_option int_options[] = {
    {"--burn-in", 0, 1L << 40, offsetof(digs_analyze_options, burn_in), 0},
    {"--ref-samples", 2, 100000000L,
     offsetof(digs_analyze_options, ref_samples), 0},
    {"--subset", 2, 100000000L, offsetof(digs_analyze_options, subset), 0},
    {"--mmd-samples", 2, 100000000L,
     offsetof(digs_analyze_options, mmd_samples), 0},
    {"--bootstrap", 1, 10000, offsetof(digs_analyze_options, bootstrap), 1},
    {"--bins", 1, 1000000, offsetof(digs_analyze_options, bins), 1},
    {"--seed", 0, 4294967295L, offsetof(digs_analyze_options, seed), 2},
    {"--chain", 0, 1L << 40, offsetof(digs_analyze_options, pdb_chain), 0},
};

/* Options taking a string: name, destination. */
typedef struct string_option {
    const char *name;
    size_t offset;
} string_option;

static const string_option string_options[] = {
    {"--ref", offsetof(digs_analyze_options, ref)},
    {"--group", offsetof(digs_analyze_options, group)},
    {"--ref-group", offsetof(digs_analyze_options, ref_group)},
    {"--json", offsetof(digs_analyze_options, json)},
    {"--plot", offsetof(digs_analyze_options, plot_dir)},
    {"--plot-script", offsetof(digs_analyze_options, plot_script)},
    {"--pdb", offsetof(digs_analyze_options, pdb)},
    {"--frames", offsetof(digs_analyze_options, pdb_frames)},
};

int digs_analyze_parse_options(int argc, char **argv, digs_analyze_options *o,
                               char *msg, size_t msg_len)
{
    defaults(o);
    size_t n_int = sizeof int_options / sizeof int_options[0];
    size_t n_str = sizeof string_options / sizeof string_options[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return 1;
        if (!strcmp(a, "--modes")) {
            o->modes = 1;
            continue;
        }
        if (!strcmp(a, "--per-chain")) {
            o->per_chain = 1;
            continue;
        }
        int matched = 0;
        for (size_t k = 0; k < n_int && !matched; k++) {
            const int_option *opt = &int_options[k];
            if (strcmp(a, opt->name))
                continue;
            matched = 1;
            long v;
            if (i + 1 >= argc ||
                parse_long(argv[i + 1], opt->min, opt->max, &v)) {
                snprintf(msg, msg_len, "%s needs an integer in [%ld, %ld]",
                         a, opt->min, opt->max);
                return 2;
            }
            char *field = (char *)o + opt->offset;
            if (opt->is_int == 1)
                *(int *)field = (int)v;
            else if (opt->is_int == 2)
                *(uint32_t *)field = (uint32_t)v;
            else
                *(long *)field = v;
            i++;
        }
        for (size_t k = 0; k < n_str && !matched; k++) {
            if (strcmp(a, string_options[k].name))
                continue;
            matched = 1;
            if (i + 1 >= argc || !*argv[i + 1]) {
                snprintf(msg, msg_len, "%s needs a value", a);
                return 2;
            }
            *(const char **)((char *)o + string_options[k].offset) =
                argv[++i];
        }
        if (!matched && !strcmp(a, "--observable")) {
            matched = 1;
            if (i + 1 >= argc) {
                snprintf(msg, msg_len, "--observable needs a NAME");
                return 2;
            }
            if (!strcmp(argv[i + 1], "potential_energy") ||
                !strcmp(argv[i + 1], "acceptance")) {
                snprintf(msg, msg_len, "--observable %s: always reported",
                         argv[i + 1]);
                return 2;
            }
            if (o->n_observables == DIGS_ANALYZE_MAX_OBSERVABLES) {
                snprintf(msg, msg_len, "at most %d --observable options",
                         DIGS_ANALYZE_MAX_OBSERVABLES);
                return 2;
            }
            o->observables[o->n_observables++] = argv[++i];
        }
        if (matched)
            continue;
        if (a[0] == '-' || o->run) {
            snprintf(msg, msg_len, "unexpected argument '%s'", a);
            return 2;
        }
        o->run = a;
    }
    if (!o->run) {
        snprintf(msg, msg_len, "missing RUN.h5");
        return 2;
    }
    if (!o->pdb && (o->pdb_frames || o->pdb_chain >= 0)) {
        snprintf(msg, msg_len, "--frames and --chain need --pdb FILE");
        return 2;
    }
    if (!o->ref_group)
        o->ref_group = o->group;
    return 0;
}
