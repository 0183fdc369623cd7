/*
 * test_rng.c - the Philox streams: known answers, addressing, uniformity.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include <Random123/philox.h>
#include <gsl/gsl_rng.h>

#include "sim/core/rng.h"

/* Purposes are plain numbers to the streams (a model names its own). */
enum { P_CITIZEN_INIT = 2, P_NEED_ARRIVAL = 3, P_CHASE = 8, P_CASEWORK = 10, P_RESOLUTION = 12 };

/* Published Philox4x32-10 known-answer vectors (Random123 kat_vectors). */
static void test_known_answers(void **state)
{
	(void)state;
	static const struct {
		uint32_t ctr[4], key[2], out[4];
	} kat[] = {
		{{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
		 {0xffffffff, 0xffffffff},
		 {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
		 {0xa4093822, 0x299f31d0},
		 {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	};
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		philox4x32_ctr_t c = {{kat[i].ctr[0], kat[i].ctr[1], kat[i].ctr[2], kat[i].ctr[3]}};
		philox4x32_key_t k = {{kat[i].key[0], kat[i].key[1]}};
		philox4x32_ctr_t r = philox4x32(c, k);
		for (int j = 0; j < 4; j++)
			assert_int_equal(r.v[j], kat[i].out[j]);
	}
}

/* The gsl_rng returns exactly the Philox blocks of its address, counted on in the last word. */
static void test_stream_is_philox(void **state)
{
	(void)state;
	gsl_rng *r = gs_rng_alloc();
	assert_non_null(r);
	uint64_t seed = UINT64_C(0x0123456789abcdef);
	gs_rng_at(r, seed, 42, 7, P_NEED_ARRIVAL);
	philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
	for (uint32_t block = 0; block < 3; block++) {
		philox4x32_ctr_t c = {{42, 7, P_NEED_ARRIVAL, block}};
		philox4x32_ctr_t out = philox4x32(c, k);
		for (int j = 3; j >= 0; j--)
			assert_int_equal(gsl_rng_get(r), out.v[j]);
	}
	gsl_rng_free(r);
}

static void test_addressing(void **state)
{
	(void)state;
	gsl_rng *r = gs_rng_alloc();
	unsigned long base[4], other[4];
	gs_rng_at(r, 1, 10, 20, P_CASEWORK);
	for (int i = 0; i < 4; i++)
		base[i] = gsl_rng_get(r);
	/* the same address gives the same numbers, whatever came before */
	gs_rng_at(r, 99, 3, 4, P_CHASE);
	(void)gsl_rng_get(r);
	gs_rng_at(r, 1, 10, 20, P_CASEWORK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(gsl_rng_get(r), base[i]);
	/* changing any part of the address changes the numbers */
	const struct {
		uint64_t seed;
		uint32_t entity, tick;
		uint32_t purpose;
	} moves[] = {{2, 10, 20, P_CASEWORK},
		     {UINT64_C(1) << 40 | 1, 10, 20, P_CASEWORK},
		     {1, 11, 20, P_CASEWORK},
		     {1, 10, 21, P_CASEWORK},
		     {1, 10, 20, P_RESOLUTION}};
	for (size_t m = 0; m < sizeof(moves) / sizeof(moves[0]); m++) {
		gs_rng_at(r, moves[m].seed, moves[m].entity, moves[m].tick, moves[m].purpose);
		int same = 0;
		for (int i = 0; i < 4; i++)
			same += (other[i] = gsl_rng_get(r)) == base[i];
		assert_true(same < 4);
	}
	gsl_rng_free(r);
}

static void test_derive(void **state)
{
	(void)state;
	uint64_t a = gs_rng_derive(7, 0), b = gs_rng_derive(7, 1), c = gs_rng_derive(8, 0);
	assert_true(a != b && a != c && b != c);
	assert_true(gs_rng_derive(7, 0) == a);
	assert_true(a < (UINT64_C(1) << 53));
}

/*
 * Uniformity: the mean of n uniforms is within 5 standard errors of 1/2;
 * on failure the sample grows before the test gives up (never flaky).
 */
static void test_uniform_mean(void **state)
{
	(void)state;
	gsl_rng *r = gs_rng_alloc();
	int ok = 0;
	for (size_t n = 100000; n <= 6400000 && !ok; n *= 4) {
		double sum = 0, sum53 = 0;
		for (size_t i = 0; i < n; i++) {
			if (i % 1000 == 0)
				gs_rng_at(r, 5, (uint32_t)(i / 1000), 0, P_CITIZEN_INIT);
			double u = gsl_rng_uniform(r);
			assert_true(u >= 0 && u < 1);
			sum += u;
			double v = gs_rng_uniform53(r);
			assert_true(v > 0 && v < 1);
			sum53 += v;
		}
		double se = sqrt(1.0 / 12.0 / (double)n);
		ok = fabs(sum / (double)n - 0.5) < 5 * se && fabs(sum53 / (double)n - 0.5) < 5 * se;
	}
	assert_true(ok);
	gsl_rng_free(r);
}

/*
 * gs_rng_uniform_at is gs_rng_at then gsl_rng_uniform: the same value, and
 * the stream goes on from the same place (the next draws the same too),
 * whatever the stream was doing before.
 */
static void test_uniform_at(void **state)
{
	(void)state;
	gsl_rng *a = gs_rng_alloc(), *b = gs_rng_alloc();
	for (uint32_t i = 0; i < 20000; i++) {
		uint64_t seed = gs_rng_derive(11, i % 7);
		uint32_t e = i * 2654435761u, t = i % 3650, p = 2 + i % 29;
		/* leave b part-way through some other stream first */
		for (uint32_t k = 0; k < i % 6; k++)
			gsl_rng_get(b);
		gs_rng_at(a, seed, e, t, p);
		double want = gsl_rng_uniform(a);
		assert_true(gs_rng_uniform_at(b, seed, e, t, p) == want);
		for (int k = 0; k < 9; k++)
			assert_true(gsl_rng_get(a) == gsl_rng_get(b));
	}
	gsl_rng_free(a);
	gsl_rng_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_stream_is_philox),
		cmocka_unit_test(test_addressing),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_uniform_mean),
		cmocka_unit_test(test_uniform_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
