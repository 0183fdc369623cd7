/*
 * test_closure.c - closing cases (models/closure.c): needs met, bounced
 * citizens giving up or coming back, the recorded and true clocks,
 * within-target tallies and the time-to-close histograms.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/casework.h"
#include "models/citizen.h"
#include "models/closure.h"
#include "models/contact.h"
#include "models/measure.h"
#include "models/world.h"
#include "sim/core/metrics.h"

/* Ticks of a day; time target 10 ticks; histograms of 10 bins of 2 ticks. */
static void close_params(struct gs_params *p, int64_t citizens)
{
	gs_test_params(p, citizens, 0, 1, 1, 200);
	p->service.time_target = 10;
	p->output.hist_bin = 2;
	p->output.hist_max = 20;
	p->population.trust_learning = 0.2;
	p->service.barrier = 0; /* no hand-off contacts: each test counts contacts itself */
}

/*
 * Citizen c's need of cx components, first contacted about at tick fc, is
 * in a case opened at tick `opened` that a worker has just finished,
 * resolving `resolved` components: the case is proposed for closure.
 */
static int32_t finished_case(struct gs_world *w, int32_t c, int cx, int32_t fc, int32_t opened,
			     int resolved)
{
	int32_t now = w->tick;
	w->tick = fc;
	gs_test_need(w, c, GS_NEED_IN_SERVICE, 0.6, cx);
	w->tick = opened;
	int32_t id = gs_case_open(w, c, 0);
	w->tick = now;
	assert_true(id >= 0);
	w->cit[c].case_of = id;
	w->cases.rec[id].status = GS_CASE_ACTIVE;
	w->cases.rec[id].worker = 0;
	w->cases.rec[id].addressed = (uint8_t)resolved;
	if (w->n_closures == w->cap_closures) {
		size_t cap = w->cap_closures ? 2 * w->cap_closures : 64;
		int32_t *g = realloc(w->closures, cap * sizeof(*g));
		assert_non_null(g);
		w->closures = g;
		w->cap_closures = cap;
	}
	w->closures[w->n_closures++] = id;
	return id;
}

/* A pending citizen's need is dropped from the books, and a fresh one finished now. */
static void reopen(struct gs_world *w, int32_t c)
{
	assert_int_equal(w->cit[c].state, GS_NEED_PENDING);
	w->cit[c].state = GS_NEED_NONE;
	w->n_pending--;
	w->total_arisen--;
	w->total_value--;
	finished_case(w, c, 2, w->tick, w->tick, 1);
}

/* Nothing left: the need is met, timed from the first contact; trust rises. */
static void test_need_met(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 10);
	struct gs_world *w = gs_test_world(&p, 1);
	w->tick = 12;
	w->cit[0].trust = 0.5f;
	int32_t id = finished_case(w, 0, 2, 3, 3, 2);
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->cit[0].state, GS_NEED_NONE);
	assert_int_equal(w->cit[0].case_of, -1);
	assert_int_equal(w->cit[0].left, 0);
	assert_int_equal(w->cases.rec[id].status, GS_CASE_FREE);
	assert_int_equal(w->n_closures, 0);
	assert_int_equal(w->n_in_service, 0);
	assert_int_equal(w->total_met, 1);
	assert_double_close(w->tally.needs_met, 1, 0);
	assert_double_close(w->tally.needs_met_service, 1, 0);
	assert_double_close(w->tally.needs_met_self, 0, 0);
	assert_double_close(w->tally.cases_closed, 1, 0);
	assert_double_close(w->tally.ttc_true_sum, 9, 0);
	assert_double_close(w->tally.ttc_rec_sum, 9, 0);
	/* met at the first contact: trust moves a fifth of the way to 1 */
	assert_double_close(w->cit[0].trust, 0.6, 1e-6);
	assert_int_equal(w->cit[0].due, GS_NEVER);
	assert_int_equal(w->cit[0].due_kind, GS_DUE_NONE);
	assert_int_equal(w->cit[0].wake, GS_NEVER);
	assert_world_ok(w);

	/* met after chasing: trust still rises, by less (towards 0.6) */
	w->cit[1].trust = 0.5f;
	finished_case(w, 1, 1, 5, 5, 1);
	w->cit[1].need_contacts = 3;
	w->total_failure += 2;
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->cit[1].state, GS_NEED_NONE);
	assert_double_close(w->cit[1].trust, 0.52, 1e-6);
	assert_double_close(w->tally.ttc_true_sum, 9 + 7, 0);
	/* wellbeing now heads for 1 */
	assert_true(gs_wellbeing(w, 1, 100) > gs_wellbeing(w, 1, 13));
	assert_world_ok(w);
	gs_world_free(w);
}

/* The recorded clock runs from the case's recorded start, the true one from the first contact. */
static void test_two_clocks(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 10);
	struct gs_world *w = gs_test_world(&p, 2);
	w->tick = 20;
	/* first contact at 4; this case (after a bounce) opened at 13, recorded from 15 */
	int32_t id = finished_case(w, 0, 1, 4, 13, 1);
	w->cases.rec[id].rec_start = 15;
	assert_int_equal(gs_closure_phase(w), 0);
	assert_double_close(w->tally.ttc_rec_sum, 5, 0);
	assert_double_close(w->tally.ttc_true_sum, 16, 0);
	/* within target by the record (5 <= 10), not by the citizen (16 > 10) */
	assert_double_close(w->tally.closed_within_rec, 1, 0);
	assert_double_close(w->team[0].review_within, 1, 0);
	assert_double_close(w->tally.met_within_true, 0, 0);
	/* a bounced case is recorded closed too, with no true time */
	finished_case(w, 1, 3, 18, 18, 1);
	assert_int_equal(gs_closure_phase(w), 0);
	assert_double_close(w->tally.cases_closed, 2, 0);
	assert_double_close(w->team[0].review_closed, 2, 0);
	assert_double_close(w->tally.ttc_rec_sum, 5 + 2, 0);
	assert_double_close(w->tally.ttc_true_sum, 16, 0);
	assert_double_close(w->tally.needs_met_service, 1, 0);
	assert_world_ok(w);
	gs_world_free(w);
}

/* Within target means a time to close no longer than service.time_target. */
static void test_within_target(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 10);
	struct gs_world *w = gs_test_world(&p, 3);
	w->tick = 30;
	finished_case(w, 0, 1, 20, 20, 1); /* 10: within */
	finished_case(w, 1, 1, 19, 19, 1); /* 11: not */
	finished_case(w, 2, 1, 25, 25, 1); /* 5: within */
	assert_int_equal(gs_closure_phase(w), 0);
	assert_double_close(w->tally.cases_closed, 3, 0);
	assert_double_close(w->tally.closed_within_rec, 2, 0);
	assert_double_close(w->tally.met_within_true, 2, 0);
	/* a longer target takes in the third */
	p.service.time_target = 11;
	w->tick = 41;
	finished_case(w, 3, 1, 30, 30, 1); /* 11 */
	assert_int_equal(gs_closure_phase(w), 0);
	assert_double_close(w->tally.closed_within_rec, 3, 0);
	assert_double_close(w->tally.met_within_true, 3, 0);
	gs_world_free(w);
}

/*
 * The audited record: the case's own clock from its opening, in the
 * category it was opened in. A corrected record within target by the
 * record but not by the clock counts within target recorded only; a case
 * reclassified out of the measured category counts in the audited share
 * (within target or not) but not in the recorded one; an unmeasured class
 * in neither. No gaming at this closure (target_pressure 0).
 */
static void test_audited_record(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 10);
	struct gs_world *w = gs_test_world(&p, 5);
	w->tick = 40;
	finished_case(w, 0, 1, 30, 30, 1); /* 10: within by both */
	int32_t id = finished_case(w, 1, 1, 28, 28, 1); /* 12, corrected to 9 */
	w->cases.rec[id].rec_start = 31;
	w->cases.rec[id].flags |= GS_CF_MANIPULATED;
	id = finished_case(w, 2, 1, 35, 35, 1); /* 5, reclassified */
	w->cases.rec[id].flags = GS_CF_RECLASSIFIED | GS_CF_CONSIDERED;
	id = finished_case(w, 3, 1, 20, 20, 1); /* 20, reclassified */
	w->cases.rec[id].flags = GS_CF_RECLASSIFIED | GS_CF_CONSIDERED;
	id = finished_case(w, 4, 1, 39, 39, 1); /* 1, never measured */
	w->cases.rec[id].flags = 0;
	id = finished_case(w, 5, 1, 25, 25, 1); /* 15 by both */
	assert_int_equal(gs_closure_phase(w), 0);
	assert_double_close(w->tally.cases_measured, 3, 0);
	assert_double_close(w->tally.closed_within_rec, 2, 0);
	assert_double_close(w->tally.cases_measured_audited, 5, 0);
	assert_double_close(w->tally.closed_within_audited, 2, 0);
	double v[GS_N_METRICS];
	double *cls = calloc(GS_N_CLASS_METRICS * (size_t)p.n_classes, sizeof(*cls));
	assert_non_null(cls);
	gs_measure_interval(w, v, cls, 1, 0);
	assert_double_close(v[GS_M_within_target_recorded], 2.0 / 3, 1e-12);
	assert_double_close(v[GS_M_within_target_audited], 2.0 / 5, 1e-12);
	assert_double_close(v[GS_M_cases_measured_audited], 5, 0);
	free(cls);
	gs_world_free(w);
}

/*
 * Each closure lands in the bin of its time to close; bins are closed on
 * the right, (k w, (k + 1) w], so a time exactly at the target counts in the
 * bin below it, like the target itself; longer times in the last bin.
 */
static void test_histograms(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 10);
	struct gs_world *w = gs_test_world(&p, 4);
	assert_int_equal(w->hist.n_bins, 10);
	w->tick = 50;
	finished_case(w, 0, 1, 41, 45, 1);    /* rec 5: bin 2; true 9: bin 4 */
	finished_case(w, 1, 1, 50, 50, 1);    /* 0: bin 0, both */
	finished_case(w, 2, 1, 10, 29, 1);    /* rec 21, true 40: last bin */
	finished_case(w, 3, 2, 44, 46, 1);    /* rec 4: bin 1, (2, 4]; bounced: no true time */
	assert_int_equal(gs_closure_phase(w), 0);
	double want_rec[10] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 1};
	double want_true[10] = {1, 0, 0, 0, 1, 0, 0, 0, 0, 1};
	double rec[10], met[10];
	gs_hists_total(&w->hist, 0, false, rec);
	gs_hists_total(&w->hist, 1, false, met);
	for (size_t b = 0; b < 10; b++) {
		assert_double_close(rec[b], want_rec[b], 0);
		assert_double_close(met[b], want_true[b], 0);
	}
	gs_world_free(w);
}

/* Components left: the citizen is bounced, trust falls, severity falls with what was resolved. */
static void test_bounce(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 10);
	p.population.abandon_probability = 0;
	p.mechanism.escalation = false;
	struct gs_world *w = gs_test_world(&p, 5);
	w->tick = 30;
	w->cit[0].trust = 0.6f;
	int32_t id = finished_case(w, 0, 3, 22, 22, 1);
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->cit[0].state, GS_NEED_PENDING);
	assert_int_equal(w->cit[0].case_of, -1);
	assert_int_equal(w->cases.rec[id].status, GS_CASE_FREE);
	assert_int_equal(w->cit[0].left, 2);
	assert_int_equal(w->cit[0].cx, 3);
	assert_int_equal(w->n_pending, 1);
	assert_int_equal(w->n_in_service, 0);
	assert_double_close(w->tally.needs_met, 0, 0);
	/* trust moves a fifth of the way towards 0.2 */
	assert_double_close(w->cit[0].trust, 0.52, 1e-6);
	/* one of three components resolved: a third of the severity gone */
	assert_double_close(w->cit[0].sev0, 0.4, 1e-6);
	assert_int_equal(w->cit[0].sev_t0, 30);
	/* coming back, about the same need (so failure demand) */
	assert_int_equal(w->cit[0].due_kind, GS_DUE_RETURN);
	assert_true(w->cit[0].due >= 31);
	assert_int_equal(w->cit[0].wake, w->cit[0].due);
	assert_int_equal(w->cit[0].first_contact, 22);
	assert_int_equal(w->cit[0].need_contacts, 1);
	assert_world_ok(w);

	/* nothing resolved: severity as it was */
	finished_case(w, 1, 2, 25, 25, 0);
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->cit[1].left, 2);
	assert_double_close(w->cit[1].sev0, 0.6, 1e-6);

	/* without failure demand nobody comes back: the need is given up */
	p.mechanism.failure_demand = false;
	p.mechanism.escalation = true;
	double abandoned = w->tally.needs_abandoned;
	finished_case(w, 2, 2, 25, 25, 1);
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->cit[2].state, GS_NEED_NONE);
	assert_int_equal(w->cit[2].due, GS_NEVER);
	assert_double_close(w->tally.needs_abandoned, abandoned + 1, 0);
	assert_world_ok(w);
	gs_world_free(w);
}

/* A bounced citizen gives up with probability abandon_probability x (1 - trust), else returns. */
static void test_bounce_give_up(void **state)
{
	(void)state;
	struct gs_params p;
	close_params(&p, 400);
	p.population.abandon_probability = 0.5;
	p.population.return_delay = 14;
	struct gs_world *w = gs_test_world(&p, 6);
	w->tick = 40;
	for (int32_t c = 0; c < 400; c++) {
		w->cit[c].trust = 0.5f;
		finished_case(w, c, 2, 30, 30, 1);
	}
	assert_int_equal(gs_closure_phase(w), 0);
	assert_world_ok(w);
	size_t gone = 0, back = 0;
	double delay = 0;
	for (int32_t c = 0; c < 400; c++) {
		if (w->cit[c].state == GS_NEED_NONE) {
			gone++;
			assert_int_equal(w->cit[c].due, GS_NEVER);
			continue;
		}
		assert_int_equal(w->cit[c].due_kind, GS_DUE_RETURN);
		assert_true(w->cit[c].due >= 41);
		back++;
		delay += w->cit[c].due - 40;
	}
	assert_double_close(w->tally.needs_abandoned, (double)gone, 0);
	assert_int_equal(w->total_abandoned, gone);
	assert_int_equal(w->n_pending, back);
	/*
	 * trust 0.5 falls to 0.44 first: P = 0.5 x 0.56 = 0.28, 112 of 400,
	 * sd 9; 40 is over 4 sd
	 */
	assert_true(gone > 112 - 40 && gone < 112 + 40);
	/* mean delay 14 (rounded, at least 1): standard error ~0.85 */
	assert_double_close(delay / (double)back, 14, 3.5);

	/* no chance to give up with full trust (held there) */
	p.mechanism.trust = false;
	w->tick = 41;
	for (int32_t c = 0; c < 400; c++) {
		if (w->cit[c].state != GS_NEED_PENDING)
			continue;
		w->cit[c].trust = 1;
		reopen(w, c);
	}
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->total_abandoned, gone);
	assert_int_equal(w->n_pending, back);
	/* ... and certain with none, at abandon_probability 1 */
	p.population.abandon_probability = 1;
	w->tick = 42;
	for (int32_t c = 0; c < 400; c++) {
		if (w->cit[c].state != GS_NEED_PENDING)
			continue;
		w->cit[c].trust = 0;
		reopen(w, c);
	}
	assert_int_equal(gs_closure_phase(w), 0);
	assert_int_equal(w->total_abandoned, 400);
	assert_int_equal(w->n_pending, 0);
	assert_world_ok(w);
	gs_world_free(w);
}

/*
 * Run tick 5 for 1000 citizens waiting since tick 0 in small cases that
 * bounce (barrier 1), chasing at tick 5 or not; return the share of the
 * bounced who gave up at closure, and the trust it should have used.
 */
static double bounce_give_up_share(bool chase, double *want)
{
	struct gs_params p;
	close_params(&p, 1000);
	p.workforce.workers_per_team = 3;
	p.cls[0].hours_per_component = 0.001;
	p.service.barrier = 1;
	p.population.abandon_probability = 0.5;
	p.population.trust_learning = 0.2;
	p.mechanism.self_resolution = false;
	struct gs_world *w = gs_test_world(&p, 9);
	for (int32_t c = 0; c < 1000; c++) {
		w->cit[c].trust = 0.5f;
		gs_test_queue_case(w, c, 2);
		w->cit[c].due = chase ? 5 : 50;
		w->cit[c].due_kind = GS_DUE_CHASE;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
	}
	w->tick = 5;
	assert_int_equal(gs_citizen_phase(w), 0);
	assert_int_equal(gs_contact_phase(w), 0);
	double gone_chasing = w->tally.needs_abandoned;
	assert_int_equal(gs_casework_phase(w), 0);
	size_t bounced = w->n_closures;
	assert_int_equal(bounced, 1000 - (size_t)gone_chasing);
	assert_int_equal(gs_closure_phase(w), 0);
	assert_world_ok(w);
	double gone = w->tally.needs_abandoned - gone_chasing;
	/* trust after a chase (towards 0.3) and a bounce (towards 0.2) */
	double trust = chase ? 0.8 * (0.8 * 0.5 + 0.2 * 0.3) + 0.2 * 0.2 : 0.8 * 0.5 + 0.2 * 0.2;
	*want = 0.5 * (1 - trust);
	gs_world_free(w);
	return gone / (double)bounced;
}

/*
 * The give-up decision at a bounce has probability abandon_probability x
 * (1 - trust) whether or not the citizen chased that same tick (without
 * giving up): the two decisions are separate draws.
 */
static void test_bounce_give_up_after_chase(void **state)
{
	(void)state;
	double want, share;
	/* no chase: ~1000 bounced, P = 0.28, sd 0.014; 0.06 is over 4 sd */
	share = bounce_give_up_share(false, &want);
	assert_double_close(share, want, 0.06);
	/* a chase first: ~700 stay and bounce, P = 0.296, sd 0.017; 0.07 is 4 sd */
	share = bounce_give_up_share(true, &want);
	assert_double_close(share, want, 0.07);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_need_met),
		cmocka_unit_test(test_two_clocks),
		cmocka_unit_test(test_within_target),
		cmocka_unit_test(test_audited_record),
		cmocka_unit_test(test_histograms),
		cmocka_unit_test(test_bounce),
		cmocka_unit_test(test_bounce_give_up),
		cmocka_unit_test(test_bounce_give_up_after_chase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
