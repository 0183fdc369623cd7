/*
 * compare.h - `govsim compare`: per-arm outcomes with confidence intervals
 * and paired differences between arms, read back from a result file.
 */
#ifndef GS_COMPARE_H
#define GS_COMPARE_H

#include <stddef.h>
#include <stdio.h>

/*
 * gs_compare - print the comparison of the arms of result file `path` to f:
 * every whole-run outcome of the `govsim run` table, or with `metric` that
 * metric alone (its whole-run value for an outcome of the table, else its
 * mean and its total over time); with at >= 0, values at that time [days] instead. Runs
 * are paired across arms by replication (and sweep point). With a sweep of
 * at most max_points points, one table per point; otherwise pooled.
 * Returns 0, or -1 with a message in err naming the file.
 */
int gs_compare(const char *path, const char *metric, double at, size_t max_points, FILE *f,
	       char *err, size_t errlen);

#endif
