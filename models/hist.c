/*
 * hist.c - the time-to-close histograms.
 */
#include "models/hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/util.h"

/* Doubles of a cache line: slots of different threads on different lines. */
#define LINE_DOUBLES 8

int gs_hists_init(struct gs_hists *h, size_t n_bins, size_t n_classes, double bin_ticks,
		  size_t n_slots)
{
	size_t used = 2 * (1 + n_classes) * n_bins;
	size_t stride = (used + LINE_DOUBLES - 1) / LINE_DOUBLES * LINE_DOUBLES;
	n_slots = n_slots ? n_slots : 1;
	stride = stride ? stride : LINE_DOUBLES;
	*h = (struct gs_hists){n_bins, n_classes, n_slots, bin_ticks, NULL, stride};
	/* zeroed, from a line's start, so that no two slots share one */
	h->counts = gs_alloc_big(n_slots * stride, sizeof(double));
	return h->counts ? 0 : -1;
}

void gs_hists_free(struct gs_hists *h)
{
	gs_free_big(h->counts);
	h->counts = NULL;
}

size_t gs_hists_bin(const struct gs_hists *h, int32_t ticks)
{
	double x = ceil(ticks / h->bin - 1e-9) - 1;
	size_t b = x < 0 ? 0 : (size_t)x;
	return b >= h->n_bins ? h->n_bins - 1 : b;
}

void gs_hists_total(const struct gs_hists *h, int which, bool by_class, double *out)
{
	size_t n = by_class ? h->n_classes * h->n_bins : h->n_bins;
	size_t from = by_class ? (2 + (size_t)which * h->n_classes) * h->n_bins
			       : (size_t)which * h->n_bins;
	memset(out, 0, n * sizeof(*out));
	for (size_t k = 0; k < h->n_slots; k++) {
		const double *s = h->counts + k * h->stride + from;
		for (size_t i = 0; i < n; i++)
			out[i] += s[i];
	}
}
