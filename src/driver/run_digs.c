/* The run state of `digs run` with a sampling method (src/driver/run_digs.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "config.h"
#include "core/status.h"
#include "driver/init_positions.h"
#include "driver/report.h"
#include "driver/run_digs.h"
#include "parallel/comm.h"
#include "parallel/layout.h"

void digs_run_state_free(digs_run_state *r)
{
    if (r->trace)
        fclose(r->trace);
    digs_checkpoint_free(&r->resumed);
    free(r->pooled);
    free(r->pooled_total);
    free(r->acceptance);
    free(r->chain_acc);
    digs_chains_destroy(&r->chains);
    digs_sampler_destroy(&r->sampler);
    digs_potential_destroy(&r->pot);
    digs_deck_destroy(&r->deck);
}

int digs_run_read(digs_run_state *r)
{
    DIGS_CHECK(digs_potential_create(r->deck, &r->pot));
    DIGS_CHECK(digs_run_config_read(r->deck, r->pot, &r->cfg));
    return digs_sampler_create(r->deck, r->pot, r->cfg.seed, &r->sampler);
}

int digs_run_place_chains(MPI_Comm comm, digs_run_state *r, double share0)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    long first;
    int count;
    digs_layout_weighted(r->cfg.chains, size, rank, share0, &first, &count);
    DIGS_CHECK(digs_chains_create(&r->chains, r->cfg.chains, first, count,
                                  r->pot->dim, r->sampler->state_size));
    int n_stats = r->sampler->n_stats, n_levels = n_stats / 2;
    DIGS_CALLOC(r->pooled, n_stats);
    DIGS_CALLOC(r->pooled_total, n_stats);
    DIGS_CALLOC(r->acceptance, n_levels);
    DIGS_CALLOC(r->chain_acc, count);
    return DIGS_OK;
}

/* What a checkpoint of this deck must hold (identity fields only). */
static digs_checkpoint deck_identity(const digs_run_state *r)
{
    return (digs_checkpoint){
        .n_chains = r->cfg.chains,
        .dim = r->pot->dim,
        .state_size = r->sampler->state_size,
        .seed = r->cfg.seed,
        .potential = r->pot->ops->name,
        .method = r->sampler->ops->name,
        .n_params = r->sampler->n_params,
        .n_stats = r->sampler->n_stats,
    };
}

/* Restore the chains, the adapted parameters, the sweep counter, the
 * run's pooled statistics and evaluation counts from the checkpoint.
 * The caches (energy, grad, state) are restored bit for bit, so the
 * sampler's start is not called.  Collective. */
static int resume(MPI_Comm comm, digs_run_state *r)
{
    digs_checkpoint want = deck_identity(r);
    digs_checkpoint *c = &r->resumed;
    DIGS_CHECK(digs_checkpoint_read(comm, r->cfg.checkpoint, &want, c,
                                    r->chains));
    if (c->sweep > r->cfg.sweeps)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: the checkpoint is at sweep %llu, beyond [run] "
                         "sweeps = %llu",
                         r->cfg.checkpoint, (unsigned long long)c->sweep,
                         (unsigned long long)r->cfg.sweeps);
    digs_sampler *s = r->sampler;
    for (int k = 0; k < s->n_params; k++)
        s->params[k] = c->params[k];
    for (int k = 0; k < s->n_stats; k++)
        r->pooled_total[k] = c->pooled_total[k];
    int rank;
    MPI_Comm_rank(comm, &rank);
    s->n_grad = rank == 0 ? c->n_grad : 0;   /* summed over ranks later */
    s->n_energy = rank == 0 ? c->n_energy : 0;
    r->first_sweep = c->sweep;
    return DIGS_OK;
}

/* Join n labels with single spaces into a new string (caller frees). */
static char *join_labels(int n, const char *const *names, const int *ids)
{
    size_t size = 1;
    for (int i = 0; i < n; i++)
        size += (names ? strlen(names[i]) : 12) + 1;
    char *text = malloc(size), *end = text;
    if (!text)
        return NULL;
    *end = '\0';
    for (int i = 0; i < n; i++)
        end += names ? sprintf(end, "%s%s", i ? " " : "", names[i])
                     : sprintf(end, "%s%d", i ? " " : "", ids[i]);
    return text;
}

/* Atom, residue and element labels of particle potentials that have them
 * (AMBER), as space-separated strings under /parameters, in atom order. */
int digs_run_write_topology(digs_h5md *out, const digs_potential *p)
{
    struct {
        const char *name;
        const char *const *labels;
        const int *ids;
    } lists[] = {{"atom_names", p->atom_names, NULL},
                 {"residue_names", p->residue_names, NULL},
                 {"residue_ids", NULL, p->residue_ids},
                 {"elements", p->elements, NULL}};
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        if (p->n_particles <= 0 || (!lists[k].labels && !lists[k].ids))
            continue;
        char *text = join_labels(p->n_particles, lists[k].labels, lists[k].ids);
        if (!text)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for labels");
        int status = digs_h5md_set_parameter(out, lists[k].name, text);
        free(text);
        DIGS_CHECK(status);
    }
    return DIGS_OK;
}

/* The cost of the whole run (REFERENCE.md §3.6), summed over ranks and,
 * after a restart, over sessions: /parameters/evaluations.  Collective. */
int digs_run_write_cost(MPI_Comm comm, digs_run_state *r)
{
    int64_t local[2] = {r->sampler->n_grad, r->sampler->n_energy}, total[2];
    DIGS_CHECK(digs_comm_sum_i64(comm, local, total, 2));
    char text[160];
    snprintf(text, sizeof text,
             "energy+gradient %" PRId64 ", energy-only %" PRId64, total[0],
             total[1]);
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "evaluations", text));
    return DIGS_OK;
}

const char *digs_run_length_unit(const digs_potential *p)
{
    return strcmp(p->length_unit, "reduced") ? p->length_unit : NULL;
}

const char *digs_run_energy_unit(const digs_potential *p)
{
    return strcmp(p->energy_unit, "kJ/mol") == 0  ? "kJ mol-1"
           : strcmp(p->energy_unit, "reduced") ? p->energy_unit
                                                 : NULL;
}

int digs_run_open_output(MPI_Comm comm, digs_run_state *r, const digs_run_options *o)
{
    const digs_potential *p = r->pot;
    int particles = p->n_particles > 0;
    digs_h5md_spec spec = {
        .path = r->cfg.trajectory,
        .group = r->cfg.group,
        .n_chains = r->cfg.chains,
        .first_chain = r->chains->first,
        .n_local = r->chains->n,
        .n_particles = particles ? p->n_particles : 1,
        .spatial_dim = particles ? p->spatial_dim : p->dim,
        .length_unit = digs_run_length_unit(p),
        .energy_unit = digs_run_energy_unit(p),
        .buffer_records = (int)r->cfg.buffer_records,
    };
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (r->restarted) {
        const digs_checkpoint *c = &r->resumed;
        digs_h5md_extent keep = {.records = c->records,
                                 .n_series = c->n_series,
                                 .series = c->series,
                                 .rows = c->series_rows,
                                 .n_groups = r->n_groups,
                                 .groups = r->groups,
                                 .group_records = r->group_records};
        DIGS_CHECK(digs_h5md_open_append(&r->out, comm, &spec, &keep));
    } else {
        DIGS_CHECK(digs_h5md_create(&r->out, comm, &spec));
        /* A checkpoint of an earlier run must not pair with this new
         * trajectory if this run dies before its first checkpoint. */
        if (rank == 0 && r->cfg.checkpoint) {
            char tmp[4200];
            snprintf(tmp, sizeof tmp, "%s.tmp", r->cfg.checkpoint);
            unlink(r->cfg.checkpoint);
            unlink(tmp);
        }
    }
    const digs_sampler *s = r->sampler;
    if (s->n_stats > 0)
        DIGS_CHECK(digs_h5md_declare_record(r->out, "acceptance",
                                            s->n_stats / 2, s->stat_names));
    if (s->n_params > 0)
        DIGS_CHECK(digs_h5md_declare_record(r->out, s->param_group,
                                            s->n_params, s->param_names));
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu32, r->cfg.seed);
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "deck", digs_deck_text(r->deck)));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "deck_file",
                                       digs_deck_filename(r->deck)));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "program", PACKAGE_STRING));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "potential", p->ops->name));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "method",
                                       r->sampler->ops->name));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "seed", seed));
    DIGS_CHECK(digs_run_write_topology(r->out, p));
    if (o->trace) {
        char path[4096];
        snprintf(path, sizeof path, "%s.%d", o->trace, rank);
        r->trace = fopen(path, "w");
        if (!r->trace)
            return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create trace file", path);
    }
    return DIGS_OK;
}

/* Sum the sampler's counters over ranks, hand them to adapt, reset.
 * r->acceptance gets this interval's pooled acceptance per level (NaN for
 * a level with nothing proposed).  Collective. */
int digs_run_exchange(MPI_Comm comm, digs_run_state *r, uint64_t done)
{
    digs_sampler *s = r->sampler;
    DIGS_CHECK(digs_comm_sum_i64(comm, s->stats, r->pooled, s->n_stats));
    memset(s->stats, 0, sizeof(int64_t) * (size_t)s->n_stats);
    for (int k = 0; k < s->n_stats; k++)
        r->pooled_total[k] += r->pooled[k];
    for (int l = 0; l < s->n_stats / 2; l++) {
        int64_t prop = r->pooled[2 * l + 1];
        r->acceptance[l] = prop ? (double)r->pooled[2 * l] / (double)prop : NAN;
    }
    if (s->ops->adapt)
        DIGS_CHECK(s->ops->adapt(s, r->pooled, done));
    return DIGS_OK;
}

/* The time series of adaptation: one row of pooled acceptance per level
 * and one of the adapted parameters, after each exchange.  Collective. */
int digs_run_log_exchange(digs_run_state *r, uint64_t done)
{
    const digs_sampler *s = r->sampler;
    if (s->n_stats > 0)
        DIGS_CHECK(digs_h5md_append_record(r->out, "acceptance", (int64_t)done,
                                           s->n_stats / 2, r->acceptance));
    if (s->n_params > 0)
        DIGS_CHECK(digs_h5md_append_record(r->out, s->param_group,
                                           (int64_t)done, s->n_params,
                                           s->params));
    return DIGS_OK;
}

/* Flush the trajectory (its on-disk state then matches the checkpoint
 * about to be written), then write the checkpoint.  Called where the
 * pooled statistics were just exchanged and the per-chain counts just
 * recorded (run_config enforces the alignment).  Collective. */
int digs_run_checkpoint(MPI_Comm comm, digs_run_state *r, uint64_t done)
{
    double t0 = MPI_Wtime();
    DIGS_CHECK(digs_h5md_flush(r->out));
    double t1 = MPI_Wtime();
    r->t_output += t1 - t0;
    const digs_sampler *s = r->sampler;
    int64_t local[2] = {s->n_grad, s->n_energy}, total[2];
    DIGS_CHECK(digs_comm_sum_i64(comm, local, total, 2));
    int n_series = digs_h5md_n_series(r->out);
    const char **series = calloc((size_t)n_series + 1, sizeof *series);
    int64_t *rows = calloc((size_t)n_series + 1, sizeof *rows);
    if (!series || !rows) {
        free(series);
        free(rows);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for a checkpoint");
    }
    for (int k = 0; k < n_series; k++) {
        series[k] = digs_h5md_series_name(r->out, k);
        rows[k] = digs_h5md_series_rows(r->out, k);
    }
    digs_checkpoint c = deck_identity(r);
    c.sweep = done;
    c.records = digs_h5md_records(r->out);
    c.n_series = n_series;
    c.series = series;
    c.series_rows = rows;
    c.param_group = s->param_group;
    c.params = s->params;
    c.pooled_total = r->pooled_total;
    c.n_grad = total[0];
    c.n_energy = total[1];
    c.deck = digs_deck_text(r->deck);
    int status = digs_checkpoint_write(comm, r->cfg.checkpoint, &c, r->chains);
    free(series);
    free(rows);
    r->t_checkpoint += MPI_Wtime() - t1;
    return status;
}

/* A checkpoint is due every checkpoint_every sweeps, and at the end of a
 * run that ends on an exchange and a record (so that extending the run
 * later continues exactly). */
int digs_run_checkpoint_due(const digs_run_config *cfg, uint64_t done)
{
    if (!cfg->checkpoint)
        return 0;
    if (done % (uint64_t)cfg->checkpoint_every == 0)
        return 1;
    return done == cfg->sweeps && done % (uint64_t)cfg->exchange_every == 0 &&
           done % (uint64_t)cfg->record_every == 0;
}

int digs_run_record(digs_run_state *r, uint64_t done)
{
    digs_chains *c = r->chains;
    for (int i = 0; i < c->n; i++)
        r->chain_acc[i] = c->proposed[i]
                              ? (double)c->accepted[i] / (double)c->proposed[i]
                              : 0.0;
    DIGS_CHECK(digs_h5md_append(r->out, (int64_t)done, (double)done, c->x,
                                c->energy, r->chain_acc, NULL));
    if (r->trace) {
        for (int i = 0; i < c->n; i++) {
            fprintf(r->trace, "%llu %ld %.17g %.17g",
                    (unsigned long long)done, c->first + i, c->energy[i],
                    r->chain_acc[i]);
            for (int k = 0; k < c->dim; k++)
                fprintf(r->trace, " %.17g", c->x[(size_t)i * c->dim + k]);
            fputc('\n', r->trace);
        }
        if (ferror(r->trace))
            return DIGS_FAIL(DIGS_ERR_IO, "cannot write the trace file");
    }
    digs_chains_reset_counts(c);
    return DIGS_OK;
}

/* Rank 0 prints what was done; the evaluation counts are summed over
 * ranks (collective).  The rate counts this invocation's work only; the
 * time split is rank 0's share of its wall time. */
void digs_run_summary(MPI_Comm comm, digs_run_state *r, double seconds)
{
    int64_t local[2] = {r->sampler->n_grad, r->sampler->n_energy}, total[2];
    digs_comm_sum_i64(comm, local, total, 2);
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (rank != 0)
        return;
    printf("digs run: %llu sweeps of %ld chains (%s on %s) in %.2f s on %d "
           "rank%s\n",
           (unsigned long long)(r->cfg.sweeps - r->first_sweep), r->cfg.chains,
           r->sampler->ops->name, r->pot->ops->name, seconds, size,
           size > 1 ? "s" : "");
    if (r->restarted)
        printf("  continued from %s at sweep %llu; now at sweep %llu\n",
               r->cfg.checkpoint, (unsigned long long)r->first_sweep,
               (unsigned long long)r->cfg.sweeps);
    double here = (double)(total[0] - r->resumed.n_grad);
    printf("  evaluations: %" PRId64 " energy+gradient (%.3g/s), %" PRId64
           " energy-only\n",
           total[0], seconds > 0 ? here / seconds : 0.0, total[1]);
    printf("  acceptance:");
    for (int l = 0; l < r->sampler->n_stats / 2; l++) {
        int64_t prop = r->pooled_total[2 * l + 1];
        printf(" %s %.4f", r->sampler->stat_names[l],
               prop ? (double)r->pooled_total[2 * l] / (double)prop : 0.0);
    }
    double pct = seconds > 0 ? 100.0 / seconds : 0.0;
    printf("\n  time: sweeps %.1f %%, exchange %.1f %%, output %.1f %%, "
           "checkpoint %.1f %%\n",
           r->t_sweep * pct, r->t_exchange * pct, r->t_output * pct,
           r->t_checkpoint * pct);
    printf("  trajectory: %s (%lld records of %ld frames)\n",
           r->cfg.trajectory, (long long)digs_h5md_records(r->out),
           r->cfg.chains);
    fflush(stdout);
}

/* Chains start fresh (positions from [run] init, then the sampler's
 * start) or, when a restart is asked for and the checkpoint exists, from
 * the checkpoint.  Collective; errors reported once. */
int digs_run_start_chains(MPI_Comm comm, digs_run_state *r, const digs_run_options *o,
                        int allow_resume)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    int want = allow_resume && (o->restart || r->cfg.restart);
    int status = DIGS_OK;
    if (want && !r->cfg.checkpoint)
        status = DIGS_FAIL(DIGS_ERR_INPUT,
                           "%s: --restart needs [output] checkpoint = PATH in "
                           "the deck",
                           digs_deck_filename(r->deck));
    DIGS_CHECK(digs_report_collective(comm, status));
    if (want && digs_checkpoint_exists(comm, r->cfg.checkpoint)) {
        DIGS_CHECK(digs_report_collective(comm, resume(comm, r)));
        r->restarted = 1;
        if (rank == 0 && !o->quiet) {
            printf("digs run: continuing from %s at sweep %llu\n",
                   r->cfg.checkpoint, (unsigned long long)r->first_sweep);
            fflush(stdout);
        }
        return DIGS_OK;
    }
    if (want && rank == 0 && !o->quiet) {
        printf("digs run: no checkpoint %s yet; starting from sweep 0\n",
               r->cfg.checkpoint);
        fflush(stdout);
    }
    DIGS_CHECK(digs_report_collective(
        comm, digs_init_positions(&r->cfg, r->pot, r->chains)));
    status = r->chains->n > 0 ? r->sampler->ops->start(r->sampler, r->chains)
                              : DIGS_OK;
    return digs_report_collective(comm, status);
}

int digs_run_prepare(MPI_Comm comm, digs_run_state *r,
                     const digs_run_options *o, int allow_resume)
{
    int status = digs_run_start_chains(comm, r, o, allow_resume);
    if (status == DIGS_OK)
        status = digs_report_collective(comm, digs_run_open_output(comm, r, o));
    return status;
}

