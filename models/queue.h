/*
 * queue.h - queue discipline (docs/ODD.md, 7.4 Queue discipline).
 *
 * The priority of a waiting case is a weighted sum, the weights set by the
 * regime (regime.weight_*):
 *   need    severity x complexity / 8
 *   wait    waiting time / time target (first come, first served)
 *   breach  (wait / target)^3 while under the target, -1 once breached
 *           (breach-chasing, then parking)
 *   success 1 / components: countable closures per hour (creaming)
 * Ties go to the earlier case, then the lower case id.
 */
#ifndef GS_QUEUE_H
#define GS_QUEUE_H

#include "models/world.h"

/* gs_queue_push - append case id to queue q. Returns -1 if out of memory. */
int gs_queue_push(struct gs_queue *q, int32_t id);

/*
 * gs_queue_hold - case id, in a worker's hands, has had its visit for today
 * (service.visit_hours): it stays active and assigned, its offer standing,
 * and joins team's cases between visits, due from the next day. Returns -1
 * if out of memory.
 */
int gs_queue_hold(struct gs_world *w, size_t team, int32_t id);

/* gs_queue_priority - the priority of waiting case id at tick t. */
double gs_queue_priority(const struct gs_world *w, int32_t id, int32_t t);

/*
 * gs_order_by_priority - sort case ids by the regime's priority at this
 * tick, highest first (ties: earlier case, lower id). The first `sorted`
 * of them were in order at the last ordering (0: none known): a hint for
 * speed that never changes the order. Returns -1 if out of memory.
 */
int gs_order_by_priority(struct gs_world *w, int32_t *ids, size_t n, size_t sorted);

/* Cases withdrawn by citizens who gave up, taken out of queues: ids to return to the pool. */
struct gs_withdrawn {
	int32_t *ids;
	size_t n, cap;
};

/*
 * gs_queue_keep_waiting - keep only the waiting cases in queue q, in their
 * order (q->sorted counts the ones kept of its ordered part). A case
 * withdrawn by its citizen is marked free and its id appended to wd, in
 * queue order, to return to the shared pool afterwards (gs_cases_push);
 * with wd NULL (where none can be withdrawn) it is only dropped. Returns
 * -1 if out of memory.
 */
int gs_queue_keep_waiting(struct gs_world *w, struct gs_queue *q, struct gs_withdrawn *wd);

/*
 * gs_queue_order - keep only the waiting cases in team's queue
 * (gs_queue_keep_waiting, withdrawn ones to wd) and sort them by priority,
 * highest first. Returns -1 if out of memory.
 */
int gs_queue_order(struct gs_world *w, size_t team, struct gs_withdrawn *wd);

#endif
