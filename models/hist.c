/*
 * hist.c - the time-to-close histograms.
 */
#include "models/hist.h"

#include <math.h>
#include <stdlib.h>

int gs_hists_init(struct gs_hists *h, size_t n_bins, size_t n_classes, double bin_ticks)
{
	size_t nb = n_bins ? n_bins : 1, nc = n_classes * n_bins;
	nc = nc ? nc : 1;
	*h = (struct gs_hists){n_bins, n_classes, bin_ticks, calloc(nb, sizeof(double)),
			       calloc(nb, sizeof(double)), calloc(nc, sizeof(double)),
			       calloc(nc, sizeof(double))};
	return h->rec && h->met && h->rec_cls && h->met_cls ? 0 : -1;
}

void gs_hists_free(struct gs_hists *h)
{
	free(h->rec);
	free(h->met);
	free(h->rec_cls);
	free(h->met_cls);
}

size_t gs_hists_bin(const struct gs_hists *h, int32_t ticks)
{
	double x = ceil(ticks / h->bin - 1e-9) - 1;
	size_t b = x < 0 ? 0 : (size_t)x;
	return b >= h->n_bins ? h->n_bins - 1 : b;
}
