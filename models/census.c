/*
 * census.c - the stocks of citizens kept up to date by events (census.h),
 * and the full census of every citizen that checks them.
 */
#include "models/census.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/measure.h"
#include "models/world.h"
#include "sim/core/crew.h"
#include "sim/core/stop.h"
#include "sim/core/util.h"

/* Citizens per block of a census pass, and histogram bins of the full census: constants. */
#define CENSUS_BLOCK 65536
#define CENSUS_BINS 1024

/* The number of trailing zero bits of x != 0. */
static int ctz64(uint64_t x)
{
	return __builtin_ctzll(x);
}

/*
 * Bit j set for open[j] == 1, j < n <= 64 (open's bytes are 0 or 1): eight
 * bytes at a time, their low bits gathered by one multiplication (the
 * product's top byte holds them, carry-free), so that a pass over the open
 * needs branches once a set bit, not once a byte.
 */
static uint64_t open_mask(const uint8_t *open, size_t n)
{
	uint64_t m = 0;
	size_t j = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; j + 8 <= n; j += 8) {
		uint64_t g; /* byte i of open + j at bits 8 i */
		memcpy(&g, open + j, sizeof(g));
		m |= (g * UINT64_C(0x0102040810204080)) >> 56 << j;
	}
#endif
	for (; j < n; j++)
		m |= (uint64_t)open[j] << j;
	return m;
}

/* x in units of 2^-fx, rounded half away from zero (exact scaling: a power of two). */
static int64_t fixed(const struct gs_census *cs, double x)
{
	double v = x * cs->scale;
	return v < 0 ? -(int64_t)(0.5 - v) : (int64_t)(v + 0.5);
}

static int32_t anchor_index(const struct gs_census *cs, int32_t a)
{
	return a < 0 ? 0 : a > cs->n_ticks ? cs->n_ticks : a;
}

int gs_census_alloc(struct gs_census *cs, size_t n_cit, int n_classes, int32_t n_ticks,
		    int n_slots)
{
	memset(cs, 0, sizeof(*cs));
	int bits = 1;
	while (bits < 62 && ((size_t)1 << bits) <= n_cit)
		bits++;
	cs->fx = 62 - bits > 40 ? 40 : 62 - bits;
	cs->scale = ldexp(1.0, cs->fx);
	cs->n_ticks = n_ticks > 0 ? n_ticks : 0;
	cs->n_slots = n_slots > 0 ? n_slots : 1;
	cs->p10 = NAN;
	const char *check = getenv("GOVSIM_CHECK");
	if (check) {
		/* a comma-separated list of checks */
		for (const char *s = check; *s;) {
			size_t len = strcspn(s, ",");
			if (len == 6 && !strncmp(s, "census", 6))
				cs->check = true;
			s += len + (s[len] == ',');
		}
	}
	cs->slot = calloc((size_t)cs->n_slots, sizeof(*cs->slot));
	cs->none_since = malloc((n_cit ? n_cit : 1) * sizeof(*cs->none_since));
	cs->open = calloc(n_cit ? n_cit : 1, sizeof(*cs->open));
	cs->decay = malloc((size_t)(1 + n_classes) * ((size_t)cs->n_ticks + 1) * sizeof(*cs->decay));
	if (!cs->slot || !cs->none_since || !cs->open || !cs->decay)
		return -1;
	for (int k = 0; k < cs->n_slots; k++)
		if (!(cs->slot[k].deficit = calloc((size_t)cs->n_ticks + 1, sizeof(int64_t))))
			return -1;
	return 0;
}

void gs_census_free(struct gs_census *cs)
{
	if (cs->slot)
		for (int k = 0; k < cs->n_slots; k++) {
			free(cs->slot[k].deficit);
			free(cs->slot[k].log);
		}
	free(cs->slot);
	free(cs->none_since);
	free(cs->open);
	free(cs->log);
	free(cs->cand);
	free(cs->decay);
	memset(cs, 0, sizeof(*cs));
}

static int cmp_entry(const void *x, const void *y)
{
	const struct gs_census_entry *a = x, *b = y;
	if (a->tau != b->tau)
		return (a->tau > b->tau) - (a->tau < b->tau);
	return (a->c > b->c) - (a->c < b->c);
}

/* The census's slot of the calling thread (each thread of a crew has its own). */
static struct gs_census_slot *own_slot(struct gs_census *cs)
{
	int k = 0;
#ifdef _OPENMP
	k = omp_get_thread_num();
#endif
	return &cs->slot[k < cs->n_slots ? k : 0];
}

/* A pass over the log's places in blocks of CENSUS_BLOCK (log_pass). */
struct log_pass {
	struct gs_world *w;
	size_t *count; /* [blocks] entries each block left at its start */
};

/*
 * fn(ctx, b) for the blocks of n_places places of the log, shared with the
 * run's crew, each leaving its entries at its block's start and their
 * number in count[b]; then the log closed up in block order. Returns -1 if
 * out of memory (the log is then as the blocks left it: rebuild it).
 */
static int log_pass(struct gs_world *w, size_t n_places, gs_crew_fn fn)
{
	struct gs_census *cs = &w->census;
	size_t n_blocks = (n_places + CENSUS_BLOCK - 1) / CENSUS_BLOCK;
	size_t *count = malloc((n_blocks ? n_blocks : 1) * sizeof(*count));
	if (!count)
		return -1;
	struct log_pass lp = {w, count};
	if (gs_share(w, n_blocks, fn, NULL, &lp)) {
		free(count);
		return -1;
	}
	size_t m = 0;
	for (size_t b = 0; b < n_blocks; b++) {
		memmove(cs->log + m, cs->log + b * CENSUS_BLOCK, count[b] * sizeof(*cs->log));
		m += count[b];
	}
	cs->n_log = m;
	free(count);
	return 0;
}

/*
 * Citizens of census block b recounted: their trust and deficits into the
 * thread's slot (integer sums: the same whichever thread adds them), the
 * ones with no need logged in citizen order from the block's place in the
 * log (at most one entry a citizen).
 */
static int rebuild_block(void *ctx, size_t b)
{
	const struct log_pass *lp = ctx;
	struct gs_world *w = lp->w;
	struct gs_census *cs = &w->census;
	struct gs_census_slot *s = own_slot(cs);
	size_t lo = b * CENSUS_BLOCK, hi = lo + CENSUS_BLOCK < w->n_cit ? lo + CENSUS_BLOCK : w->n_cit;
	struct gs_census_entry *out = cs->log + lo;
	size_t m = 0;
	int64_t trust = 0;
	for (size_t i = lo; i < hi; i++) {
		const struct gs_citizen *ci = &w->cit[i];
		trust += fixed(cs, ci->trust);
		cs->open[i] = ci->state != GS_NEED_NONE;
		if (ci->state != GS_NEED_NONE) {
			cs->none_since[i] = -1;
			continue;
		}
		cs->none_since[i] = ci->wb_t;
		s->deficit[anchor_index(cs, ci->wb_t)] += fixed(cs, 1.0 - ci->wb);
		out[m++] = (struct gs_census_entry){(int32_t)i, ci->wb_t, ci->wb};
	}
	s->trust += trust;
	lp->count[b] = m;
	return 0;
}

int gs_census_rebuild(struct gs_world *w)
{
	struct gs_census *cs = &w->census;
	for (int k = 0; k < cs->n_slots; k++) {
		struct gs_census_slot *s = &cs->slot[k];
		s->trust = 0;
		memset(s->deficit, 0, ((size_t)cs->n_ticks + 1) * sizeof(*s->deficit));
		s->n_log = 0;
		s->lost = false;
	}
	cs->n_log = 0;
	if (gs_array_reserve((void **)&cs->log, &cs->cap_log, w->n_cit, sizeof(*cs->log)))
		return -1;
	gs_advise_huge(cs->log, cs->cap_log * sizeof(*cs->log));
	/* in blocks shared with the run's crew, a place of the log for each citizen */
	if (log_pass(w, w->n_cit, rebuild_block))
		return -1;
	/* in citizen order already: sorted if the anchors do not fall (as at the start) */
	bool sorted = true;
	for (size_t i = 1; i < cs->n_log && sorted; i++)
		sorted = cs->log[i].tau >= cs->log[i - 1].tau;
	if (!sorted)
		qsort(cs->log, cs->n_log, sizeof(*cs->log), cmp_entry);
	return 0;
}

void gs_census_need_ended(struct gs_world *w, int32_t c)
{
	struct gs_census *cs = &w->census;
	struct gs_census_slot *s = &cs->slot[w->slot];
	int32_t a = w->cit[c].wb_t;
	float wb = w->cit[c].wb;
	cs->none_since[c] = a;
	cs->open[c] = 0;
	s->deficit[anchor_index(cs, a)] += fixed(cs, 1.0 - wb);
	if (s->n_log == s->cap_log &&
	    gs_array_reserve((void **)&s->log, &s->cap_log, s->n_log + 1, sizeof(*s->log))) {
		s->lost = true;
		return;
	}
	s->log[s->n_log++] = (struct gs_census_entry){c, a, wb};
}

void gs_census_need_arrives(struct gs_world *w, int32_t c)
{
	struct gs_census *cs = &w->census;
	cs->none_since[c] = -1;
	cs->open[c] = 1;
	cs->slot[w->slot].deficit[anchor_index(cs, w->cit[c].wb_t)] -=
		fixed(cs, 1.0 - w->cit[c].wb);
}

void gs_census_trust(struct gs_world *w, int32_t c, float from, float to)
{
	(void)c;
	struct gs_census *cs = &w->census;
	cs->slot[w->slot].trust += fixed(cs, to) - fixed(cs, from);
}

/* Block b of the log: its entries still current closed up to its start. */
static int compact_block(void *ctx, size_t b)
{
	const struct log_pass *lp = ctx;
	struct gs_census *cs = &lp->w->census;
	size_t lo = b * CENSUS_BLOCK, hi = lo + CENSUS_BLOCK < cs->n_log ? lo + CENSUS_BLOCK : cs->n_log;
	size_t m = lo;
	for (size_t i = lo; i < hi; i++) {
		if (i + GS_PREFETCH_FAR < hi)
			gs_prefetch(&cs->none_since[cs->log[i + GS_PREFETCH_FAR].c]);
		struct gs_census_entry e = cs->log[i];
		if (cs->none_since[e.c] == e.tau)
			cs->log[m++] = e;
	}
	lp->count[b] = m - lo;
	return 0;
}

/*
 * The threads' entries since the last output join the log, in anchor order
 * (each thread's are in order already: a thread's ticks come in order).
 */
static int flush(struct gs_world *w)
{
	struct gs_census *cs = &w->census;
	size_t add = 0;
	for (int k = 0; k < cs->n_slots; k++) {
		if (cs->slot[k].lost)
			return gs_census_rebuild(w);
		add += cs->slot[k].n_log;
	}
	if (!add)
		return 0;
	if (cs->n_log + add > cs->cap_log) {
		/* drop the entries of citizens that have had a need since (order kept) */
		if (log_pass(w, cs->n_log, compact_block))
			return gs_census_rebuild(w);
		if (cs->n_log + add > cs->cap_log) {
			size_t cap = (cs->n_log + add) + (cs->n_log + add) / 4;
			struct gs_census_entry *g = realloc(cs->log, cap * sizeof(*g));
			if (!g)
				return gs_census_rebuild(w);
			cs->log = g;
			cs->cap_log = cap;
			gs_advise_huge(g, cap * sizeof(*g));
		}
	}
	size_t start = cs->n_log;
	int32_t before = start ? cs->log[start - 1].tau : INT32_MIN;
	/*
	 * the slots' entries merged by anchor (each slot's are in order: a
	 * thread's ticks come in order), the lowest slot first among equal
	 * anchors; the percentile needs the anchors' order only
	 */
	size_t at[64] = {0};
	int n_slots = cs->n_slots < 64 ? cs->n_slots : 64;
	for (;;) {
		int best = -1;
		for (int k = 0; k < n_slots; k++)
			if (at[k] < cs->slot[k].n_log &&
			    (best < 0 || cs->slot[k].log[at[k]].tau < cs->slot[best].log[at[best]].tau))
				best = k;
		if (best < 0)
			break;
		cs->log[cs->n_log++] = cs->slot[best].log[at[best]++];
	}
	for (int k = n_slots; k < cs->n_slots; k++) {
		/* (more slots than merged: appended, and the new part sorted below) */
		const struct gs_census_slot *s = &cs->slot[k];
		if (s->n_log)
			memcpy(cs->log + cs->n_log, s->log, s->n_log * sizeof(*s->log));
		cs->n_log += s->n_log;
	}
	for (int k = 0; k < cs->n_slots; k++)
		cs->slot[k].n_log = 0;
	bool sorted = true;
	for (size_t i = start + 1; i < cs->n_log && sorted; i++)
		sorted = cs->log[i].tau >= cs->log[i - 1].tau;
	if (!sorted)
		qsort(cs->log + start, cs->n_log - start, sizeof(*cs->log), cmp_entry);
	/* entries anchored before the log's last (a rebuild's anchors): all of it in order */
	if (cs->n_log > start && cs->log[start].tau < before)
		qsort(cs->log, cs->n_log, sizeof(*cs->log), cmp_entry);
	return 0;
}

void gs_census_decay_extend(struct gs_world *w, int32_t now)
{
	struct gs_census *cs = &w->census;
	const struct gs_params *p = w->p;
	size_t stride = (size_t)cs->n_ticks + 1;
	if (cs->decay_time[0] != p->population.wellbeing_time)
		cs->decay_len = 0;
	for (int k = 0; k < p->n_classes; k++)
		if (cs->decay_time[1 + k] != p->cls[k].escalation_time)
			cs->decay_len = 0;
	if (!cs->decay_len) {
		cs->decay_time[0] = p->population.wellbeing_time;
		for (int k = 0; k < p->n_classes; k++)
			cs->decay_time[1 + k] = p->cls[k].escalation_time;
	}
	int32_t len = now < cs->n_ticks ? now + 1 : cs->n_ticks + 1;
	for (int r = 0; r <= p->n_classes; r++)
		for (int32_t d = cs->decay_len; d < len; d++)
			cs->decay[(size_t)r * stride + (size_t)d] = exp(-(double)d / cs->decay_time[r]);
	if (len > cs->decay_len)
		cs->decay_len = len;
}

static double decay_of(const struct gs_census *cs, int row, int32_t d)
{
	if (d >= 0 && d < cs->decay_len)
		return cs->decay[(size_t)row * ((size_t)cs->n_ticks + 1) + (size_t)d];
	return exp(-(double)d / cs->decay_time[row]);
}

/* gs_wellbeing(w, c, now) as a float, its exponentials from the table: the same operations. */
static float wellbeing_at(const struct gs_world *w, int32_t c, int32_t now)
{
	const struct gs_citizen *ci = &w->cit[c];
	double target = 1.0;
	if (ci->state != GS_NEED_NONE) {
		double s0 = ci->sev0, sev = s0;
		if (w->p->mechanism.escalation)
			sev = 1.0 - (1.0 - s0) * decay_of(&w->census, 1 + ci->cls, now - ci->sev_t0);
		target = 1.0 - sev;
	}
	double k = decay_of(&w->census, 0, now - ci->wb_t);
	return (float)(target + (ci->wb - target) * k);
}

/*
 * The citizens with an open need in block b, evaluated: their wellbeing
 * values into w->scratch from the block's start, their number and sum.
 * Their numbers are first gathered from their bytes, 64 at a time
 * (open_mask), into the places their values take, so that each record is
 * asked for GS_PREFETCH_FAR ahead of its evaluation.
 */
static void open_block(struct gs_world *w, size_t b, int32_t now, size_t *count, double *sum)
{
	size_t lo = b * CENSUS_BLOCK, hi = lo + CENSUS_BLOCK < w->n_cit ? lo + CENSUS_BLOCK : w->n_cit;
	const uint8_t *open = w->census.open;
	float *out = w->scratch + lo;
	size_t n = 0;
	for (size_t c0 = lo; c0 < hi; c0 += 64) {
		uint64_t x = open_mask(open + c0, hi - c0 < 64 ? hi - c0 : 64);
		for (; x; x &= x - 1) {
			int32_t c = (int32_t)(c0 + (size_t)ctz64(x));
			memcpy(&out[n++], &c, sizeof(c));
		}
	}
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t c;
		if (i + GS_PREFETCH_FAR < n) {
			memcpy(&c, &out[i + GS_PREFETCH_FAR], sizeof(c));
			gs_prefetch(&w->cit[c]);
		}
		memcpy(&c, &out[i], sizeof(c));
		float v = wellbeing_at(w, c, now);
		out[i] = v;
		s += v;
	}
	*count = n;
	*sum = s;
}

static int reserve_cand(struct gs_census *cs, size_t n)
{
	return gs_array_reserve((void **)&cs->cand, &cs->cap_cand, n ? n : 1, sizeof(*cs->cand));
}

/* One search for the 10th percentile's candidates below a cutoff, in blocks for the crew. */
struct below {
	struct gs_world *w;
	int32_t now;
	float u;
	const size_t *m_block; /* [n_blocks] open values in each census block of scratch */
	size_t *c_block;       /* [n_blocks] of them below u, moved to the block's front */
	size_t lo, n_chunks;   /* the log's entries from lo, in chunks of CENSUS_BLOCK */
	float *out;            /* chunk j's candidates go to out + j x CENSUS_BLOCK */
	size_t *c_chunk;       /* [n_chunks] how many */
	size_t n_blocks;
	double scale;          /* a candidate v falls in bin v x scale of PICK_BINS (clamped) */
	uint32_t *hist;        /* [n_blocks + n_chunks][PICK_BINS] each block's candidates by bin */
	int pick;              /* the bin the percentile lies in (second pass), -1 in the first */
	size_t *p_unit;        /* [n_blocks + n_chunks] second pass: the unit's values in bin pick */
};

/*
 * Bins of the candidates' histogram: the percentile's bin is found from
 * them, and only its values are selected among (a constant).
 */
#define PICK_BINS 1024

/* The bin of candidate value v: never lower for a higher v. */
static int pick_bin(const struct below *bl, float v)
{
	double x = (double)v * bl->scale;
	return x <= 0 ? 0 : x >= PICK_BINS - 1 ? PICK_BINS - 1 : (int)x;
}

/* Unit b's candidates: an open block's, at its front in scratch, or a chunk's. */
static float *unit_values(const struct below *bl, size_t b, size_t *n)
{
	if (b < bl->n_blocks) {
		*n = bl->c_block[b];
		return bl->w->scratch + b * CENSUS_BLOCK;
	}
	*n = bl->c_chunk[b - bl->n_blocks];
	return bl->out + (b - bl->n_blocks) * CENSUS_BLOCK;
}

/*
 * Unit b of a search (an open block, or a chunk of the log): its values
 * below u moved to its front (an open block keeps the others behind them)
 * and counted by bin. In the second pass (pick >= 0), its candidates in bin
 * pick moved to its front.
 */
static int below_run(void *ctx, size_t b)
{
	struct below *bl = ctx;
	const struct gs_census *cs = &bl->w->census;
	float u = bl->u;
	if (bl->pick >= 0) {
		size_t n, c = 0;
		float *v = unit_values(bl, b, &n);
		for (size_t i = 0; i < n; i++)
			if (pick_bin(bl, v[i]) == bl->pick)
				v[c++] = v[i];
		bl->p_unit[b] = c;
		return 0;
	}
	uint32_t *h = bl->hist + b * PICK_BINS;
	memset(h, 0, PICK_BINS * sizeof(*h));
	if (b < bl->n_blocks) {
		float *v = bl->w->scratch + b * CENSUS_BLOCK;
		size_t m = bl->m_block[b], c = 0;
		for (size_t i = 0; i < m; i++)
			if (v[i] < u) {
				float x = v[c];
				v[c++] = v[i];
				v[i] = x;
				h[pick_bin(bl, v[c - 1])]++;
			}
		bl->c_block[b] = c;
		return 0;
	}
	size_t j = b - bl->n_blocks, from = bl->lo + j * CENSUS_BLOCK;
	size_t to = from + CENSUS_BLOCK < cs->n_log ? from + CENSUS_BLOCK : cs->n_log;
	float *out = bl->out + j * CENSUS_BLOCK;
	size_t c = 0;
	int32_t last = INT32_MIN;
	double decay = 0;
	for (size_t i = from; i < to; i++) {
		struct gs_census_entry e = cs->log[i];
		if (e.tau != last) {
			decay = decay_of(cs, 0, bl->now - e.tau);
			last = e.tau;
		}
		/* as gs_wellbeing with no need: the same operations, the same value */
		float v = (float)(1.0 + ((double)e.wb - 1.0) * decay);
		if (v < u && cs->none_since[e.c] == e.tau) { /* else: a need since */
			out[c++] = v;
			h[pick_bin(bl, v)]++;
		}
	}
	bl->c_chunk[j] = c;
	return 0;
}

/*
 * The 10th percentile: the values below a cutoff u among the open citizens
 * (in scratch, block by block) and the log's citizens with no need anchored
 * recently enough to lie below u; every other citizen lies at u or above.
 * The candidates are found in blocks shared with the run's crew; which
 * block finds which changes nothing (the k-th smallest value is one value).
 */
static int percentile(struct gs_world *w, int32_t now, const size_t *m_block, size_t n_blocks,
		      size_t n_open, double *p10)
{
	struct gs_census *cs = &w->census;
	size_t n = w->n_cit, k = (size_t)floor(0.1 * (double)(n - 1));
	double tau_w = w->p->population.wellbeing_time;
	size_t *c_block = malloc((n_blocks ? n_blocks : 1) * sizeof(*c_block));
	size_t *c_chunk = NULL, *p_unit = NULL;
	uint32_t *hist = NULL;
	int rc = -1;
	if (!c_block)
		goto out;
	/*
	 * the cutoff: the last percentile plus the margin the last search
	 * settled on (at first an eighth of the way to 1), widened until more
	 * than k values lie below it; the value found is the same whatever the
	 * cutoff, only the candidates to choose among change
	 */
	bool none = isnan(cs->p10) || cs->p10 >= 1;
	double margin = none ? 0 : cs->margin > 0 ? cs->margin : (1 - cs->p10) / 8;
	for (;;) {
		bool all = none || cs->p10 + margin > 1 - 0x1p-26;
		float u = all ? INFINITY : (float)(cs->p10 + margin);
		/* anchors older than a lie at 1 - exp(-(now - a) / T) >= u or above */
		int32_t a_min = INT32_MIN;
		if (!all) {
			double room = 1.0 - (double)u - 1e-9;
			if (room <= 0)
				all = true, u = INFINITY;
			else {
				double d = ceil(-tau_w * log(room));
				if (d < (double)now)
					a_min = now - (int32_t)d + 1;
			}
		}
		size_t lo = 0, hi = cs->n_log;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cs->log[mid].tau < a_min)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t n_tail = cs->n_log - lo, n_chunks = (n_tail + CENSUS_BLOCK - 1) / CENSUS_BLOCK;
		size_t n_units = n_blocks + n_chunks;
		if (reserve_cand(cs, n_open + n_tail))
			goto out;
		free(c_chunk);
		free(hist);
		free(p_unit);
		c_chunk = malloc((n_chunks ? n_chunks : 1) * sizeof(*c_chunk));
		hist = malloc((n_units ? n_units : 1) * PICK_BINS * sizeof(*hist));
		p_unit = malloc((n_units ? n_units : 1) * sizeof(*p_unit));
		if (!c_chunk || !hist || !p_unit)
			goto out;
		/*
		 * the log's candidates at n_open + their chunk's offset, the
		 * open ones in scratch; each unit's counted by bin of [0, u)
		 * ([0, 1] when every value is a candidate)
		 */
		struct below bl = {w, now, u, m_block, c_block, lo, n_chunks, cs->cand + n_open, c_chunk,
				   n_blocks, PICK_BINS / (all ? 1.0 : (double)u), hist, -1, p_unit};
		if (gs_share(w, n_units, below_run, NULL, &bl))
			goto out;
		size_t m = 0;
		for (size_t b = 0; b < n_blocks; b++)
			m += c_block[b];
		for (size_t j = 0; j < n_chunks; j++)
			m += c_chunk[j];
		if (m > k || all) {
			*p10 = NAN;
			if (m) {
				/*
				 * the bin that holds the value of rank r, then that
				 * value among the bin's candidates alone (bins keep the
				 * values' order: the same value as among all of them)
				 */
				size_t r = k < m ? k : m - 1, below = 0;
				int bin = 0;
				for (;; bin++) {
					size_t count = 0;
					for (size_t b = 0; b < n_units; b++)
						count += hist[b * PICK_BINS + (size_t)bin];
					if (r < below + count || bin == PICK_BINS - 1)
						break;
					below += count;
				}
				bl.pick = bin;
				if (gs_share(w, n_units, below_run, NULL, &bl))
					goto out;
				size_t g = 0;
				for (size_t b = 0; b < n_units; b++) {
					size_t n_b;
					const float *v = unit_values(&bl, b, &n_b);
					memmove(cs->cand + g, v, p_unit[b] * sizeof(*cs->cand));
					g += p_unit[b];
				}
				*p10 = gs_quantile_rank(cs->cand, g, r - below);
			}
			cs->p10 = *p10;
			/* next time a narrower margin, while it leaves more than half of k spare */
			cs->margin = all ? 0 : m > k + k / 2 + 16 ? margin / 2 : margin;
			rc = 0;
			goto out;
		}
		margin *= 4;
	}
out:
	free(c_block);
	free(c_chunk);
	free(hist);
	free(p_unit);
	return rc;
}

/* The open-need blocks of one census, for the crew. */
struct open_blocks {
	struct gs_world *w;
	int32_t now;
	size_t *m_block;
	double *s_block;
};

static int open_blocks_run(void *ctx, size_t b)
{
	struct open_blocks *ob = ctx;
	ob->m_block[b] = 0;
	ob->s_block[b] = 0;
	if (gs_stopping())
		return 0; /* the measure is not kept (the engine looks at the flag) */
	open_block(ob->w, b, ob->now, &ob->m_block[b], &ob->s_block[b]);
	return 0;
}

int gs_census_stocks(struct gs_world *w, int32_t now, double *wb_sum, double *trust_sum,
		     double *p10)
{
	struct gs_census *cs = &w->census;
	size_t n = w->n_cit, n_blocks = (n + CENSUS_BLOCK - 1) / CENSUS_BLOCK;
	*wb_sum = *trust_sum = *p10 = NAN;
	if (!n)
		return 0;
	size_t *m_block = malloc(n_blocks * sizeof(*m_block));
	double *s_block = malloc(n_blocks * sizeof(*s_block));
	int rc = -1;
	if (!m_block || !s_block || flush(w))
		goto out;
	gs_census_decay_extend(w, now);
	/*
	 * the citizens with an open need, in fixed blocks shared with the
	 * run's crew (sim/core/crew.h), summed in block order
	 */
	struct open_blocks ob = {w, now, m_block, s_block};
	if (gs_share(w, n_blocks, open_blocks_run, NULL, &ob))
		goto out;
	double wb_open = 0;
	size_t n_open = 0;
	for (size_t b = 0; b < n_blocks; b++) {
		wb_open += s_block[b];
		n_open += m_block[b];
	}
	/* the citizens with no need: their number less their deficits, relaxed since their anchors */
	double deficit = 0;
	int64_t trust = 0;
	for (int k = 0; k < cs->n_slots; k++)
		trust += cs->slot[k].trust;
	for (int32_t a = 0; a <= cs->n_ticks; a++) {
		int64_t d = 0;
		for (int k = 0; k < cs->n_slots; k++)
			d += cs->slot[k].deficit[a];
		if (d)
			deficit += ldexp((double)d, -cs->fx) * decay_of(cs, 0, now - a);
	}
	*wb_sum = wb_open + ((double)(n - n_open) - deficit);
	*trust_sum = ldexp((double)trust, -cs->fx);
	rc = percentile(w, now, m_block, n_blocks, n_open, p10);
out:
	free(m_block);
	free(s_block);
	return rc;
}

/*
 * The full census of every citizen at tick `now` (the census kept by events
 * is checked against it): sums of wellbeing and trust, and the 10th
 * percentile of wellbeing, found exactly from a histogram of fixed blocks,
 * then a selection within the one bin that holds it.
 */
static int full_census(struct gs_world *w, int32_t now, double *wb_sum, double *trust_sum,
		       double *p10)
{
	size_t n = w->n_cit, n_blocks = (n + CENSUS_BLOCK - 1) / CENSUS_BLOCK;
	double *sums = calloc(2 * n_blocks, sizeof(*sums));
	uint32_t *hist = calloc(n_blocks * CENSUS_BINS, sizeof(*hist));
	*wb_sum = *trust_sum = *p10 = NAN;
	if (!sums || !hist) {
		free(sums);
		free(hist);
		return -1;
	}
#pragma omp parallel for schedule(dynamic, 1) num_threads(w->threads) if (n_blocks > 1) \
	default(none) shared(w, n, n_blocks, now, sums, hist)
	for (size_t b = 0; b < n_blocks; b++) {
		double ws = 0, ts = 0;
		uint32_t *h = hist + b * CENSUS_BINS;
		size_t end = (b + 1) * CENSUS_BLOCK < n ? (b + 1) * CENSUS_BLOCK : n;
		for (size_t c = b * CENSUS_BLOCK; c < end; c++) {
			float wb = (float)gs_wellbeing(w, (int32_t)c, now);
			w->scratch[c] = wb;
			ws += wb;
			ts += w->cit[c].trust;
			int bin = (int)(wb * CENSUS_BINS);
			h[bin < 0 ? 0 : bin >= CENSUS_BINS ? CENSUS_BINS - 1 : bin]++;
		}
		sums[2 * b] = ws;
		sums[2 * b + 1] = ts;
	}
	*wb_sum = *trust_sum = 0;
	for (size_t b = 0; b < n_blocks; b++) {
		*wb_sum += sums[2 * b];
		*trust_sum += sums[2 * b + 1];
	}
	/* the rank of the 10th percentile, the bin that holds it, the values in that bin */
	size_t k = (size_t)floor(0.1 * (double)(n - 1)), below = 0;
	int bin = 0;
	for (; bin < CENSUS_BINS; bin++) {
		size_t count = 0;
		for (size_t b = 0; b < n_blocks; b++)
			count += hist[b * CENSUS_BINS + (size_t)bin];
		if (below + count > k)
			break;
		below += count;
	}
	size_t m = 0;
	float *vals = malloc((n ? n : 1) * sizeof(*vals));
	if (vals) {
		for (size_t c = 0; c < n; c++) {
			int cb = (int)(w->scratch[c] * CENSUS_BINS);
			cb = cb < 0 ? 0 : cb >= CENSUS_BINS ? CENSUS_BINS - 1 : cb;
			if (cb == bin)
				vals[m++] = w->scratch[c];
		}
		*p10 = n ? gs_quantile_rank(vals, m, k - below) : NAN;
	}
	free(vals);
	free(sums);
	free(hist);
	return vals ? 0 : -1;
}

/* The integer sums, recounted from the records, against those kept. */
static int compare_kept(struct gs_world *w, char *err, size_t errlen)
{
	struct gs_census *cs = &w->census;
	int64_t trust = 0, kept_trust = 0;
	int64_t *deficit = calloc((size_t)cs->n_ticks + 1, sizeof(*deficit));
	if (!deficit) {
		snprintf(err, errlen, "census check: out of memory");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < w->n_cit && !rc; i++) {
		const struct gs_citizen *ci = &w->cit[i];
		trust += fixed(cs, ci->trust);
		int32_t since = ci->state == GS_NEED_NONE ? ci->wb_t : -1;
		if (cs->none_since[i] != since) {
			snprintf(err, errlen,
				 "census: tick %d: citizen %zu: kept with no need since %d, its record says %d "
				 "(-1: a need is open); tolerance 0",
				 w->tick, i, cs->none_since[i], since);
			rc = -1;
		}
		if (since >= 0)
			deficit[anchor_index(cs, since)] += fixed(cs, 1.0 - ci->wb);
	}
	for (int k = 0; k < cs->n_slots; k++)
		kept_trust += cs->slot[k].trust;
	if (!rc && trust != kept_trust) {
		snprintf(err, errlen,
			 "census: tick %d: trust_mean: sum of trust kept by events %.17g, full census "
			 "%.17g (fixed point 2^-%d); tolerance 0",
			 w->tick, ldexp((double)kept_trust, -cs->fx), ldexp((double)trust, -cs->fx), cs->fx);
		rc = -1;
	}
	for (int32_t a = 0; a <= cs->n_ticks && !rc; a++) {
		int64_t kept = 0;
		for (int k = 0; k < cs->n_slots; k++)
			kept += cs->slot[k].deficit[a];
		if (kept != deficit[a]) {
			snprintf(err, errlen,
				 "census: tick %d: wellbeing_mean: deficit of the citizens with no need "
				 "anchored at tick %d kept by events %.17g, full census %.17g; tolerance 0",
				 w->tick, a, ldexp((double)kept, -cs->fx), ldexp((double)deficit[a], -cs->fx));
			rc = -1;
		}
	}
	free(deficit);
	return rc;
}

static int compare_value(const char *metric, int32_t tick, double kept, double full, double tol,
			 char *err, size_t errlen)
{
	if (fabs(kept - full) <= tol || (isnan(kept) && isnan(full)))
		return 0;
	snprintf(err, errlen,
		 "census: tick %d: %s kept by events %.17g, full census %.17g: they differ by %.3g, "
		 "more than the tolerance %.3g",
		 tick, metric, kept, full, fabs(kept - full), tol);
	return -1;
}

int gs_census_compare(struct gs_world *w, int32_t now, char *err, size_t errlen)
{
	double wb, trust, p10, wb_full, trust_full, p10_full;
	if (gs_census_stocks(w, now, &wb, &trust, &p10) ||
	    full_census(w, now, &wb_full, &trust_full, &p10_full)) {
		snprintf(err, errlen, "census check: out of memory");
		return -1;
	}
	/* the values the census evaluates are gs_wellbeing's, bit for bit (full_census left them in scratch) */
	const struct gs_census *cs = &w->census;
	for (size_t i = 0; i < w->n_cit; i++) {
		const struct gs_citizen *ci = &w->cit[i];
		float v = ci->state != GS_NEED_NONE
				  ? wellbeing_at(w, (int32_t)i, now)
				  : (float)(1.0 + ((double)ci->wb - 1.0) * decay_of(cs, 0, now - ci->wb_t));
		if (v != w->scratch[i]) {
			snprintf(err, errlen,
				 "census: tick %d: wellbeing_p10: citizen %zu's wellbeing as the census "
				 "evaluates it %.9g, as gs_wellbeing does %.9g; tolerance 0",
				 w->tick, i, (double)v, (double)w->scratch[i]);
			return -1;
		}
	}
	double n = (double)w->n_cit;
	if (compare_kept(w, err, errlen) ||
	    compare_value("wellbeing_mean", w->tick, wb / n, wb_full / n, GS_CENSUS_WB_TOL, err,
			  errlen) ||
	    compare_value("trust_mean", w->tick, trust / n, trust_full / n, GS_CENSUS_TRUST_TOL, err,
			  errlen) ||
	    compare_value("wellbeing_p10", w->tick, p10, p10_full, 0, err, errlen))
		return -1;
	return 0;
}
