/*
 * hist.h - the time-to-close histograms of a run: cases closed by recorded
 * time to close, needs met by true time to close, in total and by demand
 * class, in bins of output.hist_bin closed on the right.
 *
 * Each thread of a parallel phase counts into a slot of its own (no locks,
 * nothing to collect and replay after the phase); the counts are whole
 * numbers, so their sum over the slots is the same whichever thread
 * counted what.
 */
#ifndef GS_HIST_H
#define GS_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gs_hists {
	size_t n_bins, n_classes, n_slots;
	double bin;               /* [ticks] width of a bin */
	/*
	 * [n_slots][stride] counts, a slot on whole cache lines: recorded
	 * [n_bins], true [n_bins], recorded by class [n_classes][n_bins], true
	 * by class [n_classes][n_bins]
	 */
	double *counts;
	size_t stride;
};

/* gs_hists_init - empty histograms with n_slots (>= 1) slots. Returns 0, or -1 if out of memory. */
int gs_hists_init(struct gs_hists *h, size_t n_bins, size_t n_classes, double bin_ticks,
		  size_t n_slots);

void gs_hists_free(struct gs_hists *h);

/* gs_hists_bin - the bin of a time of `ticks` (the last bin also takes longer times). */
size_t gs_hists_bin(const struct gs_hists *h, int32_t ticks);

/*
 * gs_hists_count - one more in bin b of histogram `which` (0 recorded, 1
 * true), class cls, in slot `slot` (< n_slots).
 */
static inline void gs_hists_count(struct gs_hists *h, size_t slot, int which, int cls, size_t b)
{
	double *s = h->counts + slot * h->stride;
	s[(size_t)which * h->n_bins + b] += 1;
	s[(2 + (size_t)which * h->n_classes + (size_t)cls) * h->n_bins + b] += 1;
}

/*
 * gs_hists_total - histogram `which` (0 recorded, 1 true) summed over the
 * slots into out: in total (n_bins values), or by class (n_classes x
 * n_bins, class by class).
 */
void gs_hists_total(const struct gs_hists *h, int which, bool by_class, double *out);

#endif
