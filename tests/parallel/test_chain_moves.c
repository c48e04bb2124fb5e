/* Moving whole chains between ranks (src/parallel/chain_moves.h), on 1
 * rank here and on 2 and 3 under mpirun (test_chain_moves_mpi.sh): every
 * per-chain array (positions, energy, gradient, sampler state, accept
 * counts) is filled from the chain's global id, the blocks are re-cut
 * several times (everything to one rank, back, uneven), and every rank
 * checks that its new block holds exactly its chains' values.  Check runs
 * in CK_NOFORK mode so that all ranks share MPI. */
#include <check.h>
#include <mpi.h>
#include <stdlib.h>

#include "parallel/chain_moves.h"
#include "parallel/layout.h"
#include "../check_mpi.h"

enum { N = 11, DIM = 5, STATE = 3 };

static double value(long id, int what, int j) { return id * 1000.0 + what * 100 + j; }

static void fill(digs_chains *c)
{
    for (int i = 0; i < c->n; i++) {
        long id = c->first + i;
        for (int j = 0; j < DIM; j++) {
            c->x[i * DIM + j] = value(id, 1, j);
            c->grad[i * DIM + j] = value(id, 2, j);
        }
        for (int j = 0; j < STATE; j++)
            c->state[i * STATE + j] = value(id, 3, j);
        c->energy[i] = value(id, 4, 0);
        c->accepted[i] = id * 7;
        c->proposed[i] = id * 9 + 1;
    }
}

/* Every value of this rank's block is its chain's. */
static void check_block(const digs_chains *c, long first, int n)
{
    ck_assert_int_eq(c->n, n);
    ck_assert_int_eq(c->first, first);
    ck_assert_int_eq(c->n_global, N);
    for (int i = 0; i < c->n; i++) {
        long id = c->first + i;
        for (int j = 0; j < DIM; j++) {
            ck_assert(c->x[i * DIM + j] == value(id, 1, j));
            ck_assert(c->grad[i * DIM + j] == value(id, 2, j));
        }
        for (int j = 0; j < STATE; j++)
            ck_assert(c->state[i * STATE + j] == value(id, 3, j));
        ck_assert(c->energy[i] == value(id, 4, 0));
        ck_assert_int_eq(c->accepted[i], id * 7);
        ck_assert_int_eq(c->proposed[i], id * 9 + 1);
    }
}

START_TEST(test_recut_blocks)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long first;
    int n;
    digs_layout_block(N, size, rank, &first, &n);
    digs_chains *c = NULL;
    ck_assert_int_eq(digs_chains_create(&c, N, first, n, DIM, STATE), 0);
    fill(c);
    /* all on the last rank; all on rank 0; 1, 2, ... then the rest on
     * the last rank; the even split again */
    for (int pattern = 0; pattern < 4; pattern++) {
        int counts[size];
        long left = N;
        for (int r = 0; r < size; r++) {
            if (pattern == 0)
                counts[r] = r == size - 1 ? N : 0;
            else if (pattern == 1)
                counts[r] = r == 0 ? N : 0;
            else if (pattern == 2)
                counts[r] = r == size - 1 ? (int)left : r + 1;
            else {
                long f;
                digs_layout_block(N, size, r, &f, &counts[r]);
            }
            left -= counts[r];
        }
        ck_assert_int_eq(digs_chains_move(MPI_COMM_WORLD, &c, counts), 0);
        long mine = 0;
        for (int r = 0; r < rank; r++)
            mine += counts[r];
        check_block(c, mine, counts[rank]);
    }
    digs_chains_destroy(&c);
}
END_TEST

START_TEST(test_bad_counts)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    digs_chains *c = NULL;
    long first;
    int n, rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    digs_layout_block(N, size, rank, &first, &n);
    ck_assert_int_eq(digs_chains_create(&c, N, first, n, DIM, 0), 0);
    int counts[size];
    for (int r = 0; r < size; r++)
        counts[r] = r == 0 ? N + 1 : 0; /* one chain too many */
    ck_assert_int_ne(digs_chains_move(MPI_COMM_WORLD, &c, counts), 0);
    ck_assert_int_eq(c->n, n); /* unchanged */
    digs_chains_destroy(&c);
}
END_TEST

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("chain_moves");
    TCase *tc = tcase_create("moves");
    tcase_add_test(tc, test_recut_blocks);
    tcase_add_test(tc, test_bad_counts);
    suite_add_tcase(s, tc);
    int status = digs_check_run_mpi(s);
    MPI_Finalize();
    return status;
}
