/* Chain layouts (src/parallel/layout.h), pure arithmetic against
 * hand-counted cases:
 *  - blocks: the first n % size ranks hold one more, blocks are
 *    contiguous and cover 0..n-1, and digs_layout_owner inverts them;
 *  - weighted: rank 0 holds round(share0 · n/size), the rest split evenly;
 *  - rounding: floors, then the spare units to the largest remainders
 *    (ties to the lower rank); an overshoot is taken from the largest
 *    counts; the total always holds. */
#include <check.h>
#include <stdlib.h>

#include "parallel/layout.h"
#include "../check_run.h"

START_TEST(test_blocks_and_owner)
{
    /* 10 chains on 4 ranks: 3, 3, 2, 2 from 0, 3, 6, 8 */
    const long first_want[4] = {0, 3, 6, 8};
    const int count_want[4] = {3, 3, 2, 2};
    for (int r = 0; r < 4; r++) {
        long first;
        int count;
        digs_layout_block(10, 4, r, &first, &count);
        ck_assert_int_eq(first, first_want[r]);
        ck_assert_int_eq(count, count_want[r]);
        for (long k = first; k < first + count; k++)
            ck_assert_int_eq(digs_layout_owner(10, 4, k), r);
    }
}
END_TEST

START_TEST(test_weighted)
{
    /* 12 chains, 3 ranks, share0 0.5: rank 0 round(0.5 · 4) = 2, ranks 1
     * and 2 split 10 as 5 + 5 */
    long first;
    int count;
    digs_layout_weighted(12, 3, 0, 0.5, &first, &count);
    ck_assert_int_eq(first, 0);
    ck_assert_int_eq(count, 2);
    digs_layout_weighted(12, 3, 1, 0.5, &first, &count);
    ck_assert_int_eq(first, 2);
    ck_assert_int_eq(count, 5);
    digs_layout_weighted(12, 3, 2, 0.5, &first, &count);
    ck_assert_int_eq(first, 7);
    ck_assert_int_eq(count, 5);
}
END_TEST

/* digs_layout_round(size, shares, total) must give exactly `want`. */
static void expect_round(int size, const double *shares, long total,
                         const int *want)
{
    int counts[size];
    digs_layout_round(size, shares, total, counts);
    for (int r = 0; r < size; r++)
        ck_assert_int_eq(counts[r], want[r]);
}

START_TEST(test_round_largest_remainder)
{
    /* 2.6 + 3.3 + 4.1 = 10: floors 2 + 3 + 4 = 9, the spare one to rank 0
     * (remainder 0.6) */
    expect_round(3, (const double[]){2.6, 3.3, 4.1}, 10,
                 (const int[]){3, 3, 4});
}
END_TEST

START_TEST(test_round_ties_and_two_spares)
{
    /* 1.5 + 1.5 + 1.0 + 2.0 = 6, total asked 7: floors 1 + 1 + 1 + 2 =
     * 5, the two spares to ranks 0 and 1 (remainder 0.5 each). */
    const double shares[4] = {1.5, 1.5, 1.0, 2.0};
    expect_round(4, shares, 7, (const int[]){2, 2, 1, 2});
    /* asking for 6 gives the single spare to the lower rank of the tie */
    expect_round(4, shares, 6, (const int[]){2, 1, 1, 2});
}
END_TEST

START_TEST(test_round_overshoot)
{
    /* floors 4 + 4 + 2 = 10 against a total of 8: one taken from the
     * first largest count (rank 0), then from rank 1 */
    expect_round(3, (const double[]){4.2, 4.9, 2.0}, 8,
                 (const int[]){3, 3, 2});
}
END_TEST

START_TEST(test_round_keeps_total)
{
    /* uneven shares of 1000 on 7 ranks, scaled as the callers scale them */
    double w[7] = {0.13, 1.7, 0.01, 2.9, 0.55, 1.1, 3.3}, sum = 0;
    for (int r = 0; r < 7; r++)
        sum += w[r];
    double shares[7];
    for (int r = 0; r < 7; r++)
        shares[r] = 1000 * w[r] / sum;
    int counts[7];
    digs_layout_round(7, shares, 1000, counts);
    long total = 0;
    for (int r = 0; r < 7; r++) {
        ck_assert_int_ge(counts[r], (int)shares[r]);
        ck_assert_int_le(counts[r], (int)shares[r] + 1);
        total += counts[r];
    }
    ck_assert_int_eq(total, 1000);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, test_blocks_and_owner);
    tcase_add_test(tc, test_weighted);
    tcase_add_test(tc, test_round_largest_remainder);
    tcase_add_test(tc, test_round_ties_and_two_spares);
    tcase_add_test(tc, test_round_overshoot);
    tcase_add_test(tc, test_round_keeps_total);
    suite_add_tcase(su, tc);
    return digs_check_run(su);
}
