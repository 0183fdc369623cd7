/*
 * hist.h - the time-to-close histograms of a run: cases closed by recorded
 * time to close, needs met by true time to close, in total and by demand
 * class, in bins of output.hist_bin closed on the right.
 */
#ifndef GS_HIST_H
#define GS_HIST_H

#include <stddef.h>
#include <stdint.h>

struct gs_hists {
	size_t n_bins, n_classes;
	double bin;               /* [ticks] width of a bin */
	double *rec, *met;        /* [n_bins] counts: recorded, true */
	double *rec_cls, *met_cls; /* [n_classes * n_bins] the same by demand class */
};

/* gs_hists_init - empty histograms. Returns 0, or -1 if out of memory. */
int gs_hists_init(struct gs_hists *h, size_t n_bins, size_t n_classes, double bin_ticks);

void gs_hists_free(struct gs_hists *h);

/* gs_hists_bin - the bin of a time of `ticks` (the last bin also takes longer times). */
size_t gs_hists_bin(const struct gs_hists *h, int32_t ticks);

/* gs_hists_count - one more in bin b of histogram `which` (0 recorded, 1 true), class cls. */
static inline void gs_hists_count(struct gs_hists *h, int which, int cls, size_t b)
{
	(which ? h->met : h->rec)[b] += 1;
	(which ? h->met_cls : h->rec_cls)[(size_t)cls * h->n_bins + b] += 1;
}

#endif
