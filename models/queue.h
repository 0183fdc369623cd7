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

/*
 * gs_queue_purge - cases withdrawn by citizens who gave up leave team's
 * queue, their records marked free and their ids appended to *ids (*n of
 * *cap used), in queue order, to return to the shared pool afterwards
 * (gs_cases_push). Returns -1 if out of memory.
 */
int gs_queue_purge(struct gs_world *w, size_t team, int32_t **ids, size_t *n, size_t *cap);

/*
 * gs_queue_keep_waiting - keep only the waiting cases in queue q, in their
 * order (q->sorted counts the ones kept of its ordered part).
 */
void gs_queue_keep_waiting(const struct gs_world *w, struct gs_queue *q);

/*
 * gs_queue_order - keep only the waiting cases in team's queue and sort
 * them by priority, highest first. Returns -1 if out of memory.
 */
int gs_queue_order(struct gs_world *w, size_t team);

#endif
