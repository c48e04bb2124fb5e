/* The coupled job's load balance (src/driver/coupled_balance.h) against
 * hand-solved cases (other work and chain cost in seconds per sweep):
 *  - other_r + n_r·cost_r is equalised with Σ n_r kept, and the real
 *    solution is rounded by largest remainder;
 *  - a balanced split is left alone (returns 0);
 *  - min_chains holds; a rank without chains takes the others' mean cost;
 *  - nothing measured: no change;
 *  - the fixed test pattern hands half a rank's chains on, cyclically;
 *  - the history's rates are the discounted sums' ratios, and a rank
 *    that holds no chains keeps its last cost per chain-sweep. */
#include <check.h>
#include <stdlib.h>

#include "driver/coupled_balance.h"
#include "../check_run.h"

START_TEST(test_two_ranks_hand_solved)
{
    /* rank 0: 50 s of networks, 0.1 s per chain; rank 1: 2 s of other
     * work, 1 s per chain.  50 + 0.1 n0 = 2 + (64 - n0) gives n0 =
     * 16 / 1.1 = 14.545, n1 = 49.455: floors 14 + 49, the spare chain
     * to the larger remainder (rank 0). */
    int counts[2] = {2, 62}, next[2];
    double other[2] = {50, 2}, cost[2] = {0.1, 1};
    ck_assert_int_eq(coupled_balance_counts(2, counts, other, cost, 1, next),
                     1);
    ck_assert_int_eq(next[0], 15);
    ck_assert_int_eq(next[1], 49);
}
END_TEST

START_TEST(test_balanced_stays)
{
    /* all arrive at 30 s: nothing to move */
    int counts[3] = {4, 8, 8}, next[3];
    double other[3] = {26, 6, 14}, cost[3] = {1, 3, 2};
    ck_assert_int_eq(coupled_balance_counts(3, counts, other, cost, 1, next),
                     0);
    for (int r = 0; r < 3; r++)
        ck_assert_int_eq(next[r], counts[r]);
}
END_TEST

START_TEST(test_min_chains_and_mean_cost)
{
    /* rank 0 has never swept (cost unknown: rank 1's, 1 s) and 20 s of
     * other work; rank 1 alone would need Λ = 10, so rank 0 keeps only
     * the minimum: 1 and 9 */
    int counts[2] = {0, 10}, next[2];
    double other[2] = {20, 0}, cost[2] = {0, 1};
    ck_assert_int_eq(coupled_balance_counts(2, counts, other, cost, 1, next),
                     1);
    ck_assert_int_eq(next[0], 1);
    ck_assert_int_eq(next[1], 9);
    /* with no minimum the same case leaves rank 0 empty: no change */
    ck_assert_int_eq(coupled_balance_counts(2, counts, other, cost, 0, next),
                     0);
    ck_assert_int_eq(next[0], 0);
}
END_TEST

START_TEST(test_totals_kept)
{
    /* arbitrary measurements on 3 ranks: the total and the minimum hold,
     * and the new split's predicted arrivals are closer than the old's */
    srand(7);
    for (int trial = 0; trial < 200; trial++) {
        int counts[3], next[3], total = 0;
        double other[3], cost[3];
        for (int r = 0; r < 3; r++) {
            counts[r] = 1 + rand() % 40;
            cost[r] = 0.01 + (rand() % 100) / 100.0;
            other[r] = (rand() % 1000) / 50.0;
            total += counts[r];
        }
        coupled_balance_counts(3, counts, other, cost, 1, next);
        int sum = 0;
        double lo_old = 1e300, hi_old = -1e300, lo = 1e300, hi = -1e300;
        for (int r = 0; r < 3; r++) {
            ck_assert_int_ge(next[r], 1);
            sum += next[r];
            double a_old = other[r] + counts[r] * cost[r];
            double a_new = other[r] + next[r] * cost[r];
            lo_old = a_old < lo_old ? a_old : lo_old;
            hi_old = a_old > hi_old ? a_old : hi_old;
            lo = a_new < lo ? a_new : lo;
            hi = a_new > hi ? a_new : hi;
        }
        ck_assert_int_eq(sum, total);
        /* the latest arrival never gets later (up to one chain's cost) */
        ck_assert(hi <= hi_old + 1.0 + 1e-9);
    }
}
END_TEST

START_TEST(test_nothing_measured)
{
    int counts[2] = {3, 5}, next[2];
    double other[2] = {1, 2}, cost[2] = {0, 0};
    ck_assert_int_eq(coupled_balance_counts(2, counts, other, cost, 1, next),
                     0);
    ck_assert_int_eq(next[0], 3);
    ck_assert_int_eq(next[1], 5);
    /* one rank: nothing to balance */
    ck_assert_int_eq(coupled_balance_counts(1, counts, other, cost, 1, next),
                     0);
}
END_TEST

START_TEST(test_pattern)
{
    int counts[3] = {3, 3, 3}, next[3];
    ck_assert_int_eq(coupled_balance_test_moves(3, counts, 0, next), 1);
    ck_assert_int_eq(next[0], 1);
    ck_assert_int_eq(next[1], 5);
    ck_assert_int_eq(next[2], 3);
    ck_assert_int_eq(coupled_balance_test_moves(3, counts, 5, next), 1);
    ck_assert_int_eq(next[2], 1);
    ck_assert_int_eq(next[0], 5);
    int empty[2] = {0, 4};
    ck_assert_int_eq(coupled_balance_test_moves(2, empty, 0, next), 0);
}
END_TEST

START_TEST(test_history_rates)
{
    /* interval 1: 10 sweeps, rank 0 (2 chains) arrives at 5 s after 1 s
     * of sweeping, rank 1 (6 chains) at 4 s after 3 s; interval 2: 10
     * sweeps, 7 s / 2 s and 6 s / 5 s.  With memory 0.5: sweeps 15,
     * other_0 = 0.5·4 + 5 = 7, chain-sweeps_0 = 0.5·20 + 20 = 30,
     * chain_s_0 = 0.5 + 2 = 2.5; rank 1: other 0.5 + 1 = 1.5, chain_s
     * 1.5 + 5 = 6.5 over 90 chain-sweeps. */
    coupled_balance_history h;
    ck_assert_int_eq(coupled_balance_history_init(&h, 2, 0.5), 0);
    int counts[2] = {2, 6};
    double a1[2] = {5, 4}, s1[2] = {1, 3}, a2[2] = {7, 6}, s2[2] = {2, 5};
    double other[2], cost[2];
    coupled_balance_history_rates(&h, other, cost);
    ck_assert(other[0] == 0 && cost[0] == 0 && cost[1] == 0);
    coupled_balance_history_add(&h, counts, 10, a1, s1);
    coupled_balance_history_add(&h, counts, 10, a2, s2);
    coupled_balance_history_rates(&h, other, cost);
    ck_assert_double_eq_tol(other[0], 7.0 / 15, 1e-15);
    ck_assert_double_eq_tol(other[1], 1.5 / 15, 1e-15);
    ck_assert_double_eq_tol(cost[0], 2.5 / 30, 1e-15);
    ck_assert_double_eq_tol(cost[1], 6.5 / 90, 1e-15);
    coupled_balance_history_free(&h);
}
END_TEST

START_TEST(test_history_empty_rank_keeps_cost)
{
    /* rank 0 sweeps 4 chains at 1e-4 s per chain-sweep, then holds none
     * for 30 meetings while its (empty) sweep loop still takes 1 ms per
     * interval: its cost stays 1e-4, so it can be given chains back when
     * rank 1 slows down. */
    coupled_balance_history h;
    ck_assert_int_eq(coupled_balance_history_init(&h, 2, 0.5), 0);
    int before[2] = {4, 60}, after[2] = {0, 64};
    double arrival[2] = {20, 20}, swept[2] = {0.04, 18};
    double other[2], cost[2];
    coupled_balance_history_add(&h, before, 100, arrival, swept);
    coupled_balance_history_rates(&h, other, cost);
    ck_assert_double_eq_tol(cost[0], 1e-4, 1e-15);
    swept[0] = 1e-3;
    for (int k = 0; k < 30; k++)
        coupled_balance_history_add(&h, after, 100, arrival, swept);
    coupled_balance_history_rates(&h, other, cost);
    ck_assert_double_eq_tol(cost[0], 1e-4, 1e-15);
    /* rank 1 now arrives 5 s late: rank 0 gets chains back */
    int next[2];
    other[1] = 0;
    cost[1] = 25.0 / (100 * 64);
    ck_assert_int_eq(coupled_balance_counts(2, after, other, cost, 0, next),
                     1);
    ck_assert_int_gt(next[0], 0);
    coupled_balance_history_free(&h);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("coupled_balance");
    TCase *tc = tcase_create("balance");
    tcase_add_test(tc, test_two_ranks_hand_solved);
    tcase_add_test(tc, test_balanced_stays);
    tcase_add_test(tc, test_min_chains_and_mean_cost);
    tcase_add_test(tc, test_totals_kept);
    tcase_add_test(tc, test_nothing_measured);
    tcase_add_test(tc, test_pattern);
    tcase_add_test(tc, test_history_rates);
    tcase_add_test(tc, test_history_empty_rank_keeps_cost);
    suite_add_tcase(su, tc);
    return digs_check_run(su);
}
