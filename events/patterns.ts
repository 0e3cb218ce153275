import { BUS_EVENTS, type BusEventKind } from './catalog.js';

/** An EventBridge event pattern, as a rule's `EventPattern` takes it. */
export type EventPattern = { [field: string]: unknown };

/**
 * The rule pattern for one kind of event, built from the same constants as its schema. `detail` narrows it further
 * (e.g. `{ state: { status: ['AVAILABLE', 'FAILED', 'CANCELLED'] } }`); `extra` adds top-level fields such as
 * `resources` filters.
 */
export function eventPatternFor(
  kind: BusEventKind,
  options: { detail?: EventPattern; extra?: EventPattern } = {},
): EventPattern {
  const { source, detailType } = BUS_EVENTS[kind];
  return {
    ...options.extra,
    source: [source],
    'detail-type': [detailType],
    ...(options.detail === undefined ? {} : { detail: options.detail }),
  };
}
