import { randomUUID } from 'node:crypto';
import type { FakeCall, FakeService } from '../fakes/common.js';
import { NotImplementedByFakeError } from '../fakes/common.js';
import type { BusEvent } from './bus.js';

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: Date;
}

/**
 * EventBridge's PutEvents as our functions call it: each entry becomes an event on the named bus (by name or ARN),
 * with the documented per-entry errors for a malformed entry instead of failing the whole call.
 */
export class EventBridgeFake implements FakeService {
  constructor(
    private readonly put: (event: BusEvent, eventBusName: string) => void,
    private readonly now: () => number,
  ) {}

  handle(call: FakeCall): unknown {
    if (call.action !== 'PutEvents') throw new NotImplementedByFakeError('events', call.action);
    const entries = (call.input.Entries ?? []) as PutEventsEntry[];
    let failed = 0;
    const results = entries.map((entry) => {
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        failed++;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (!entry.Source || !entry.DetailType) {
        failed++;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source and DetailType are required.' };
      }
      const id = randomUUID();
      const busName = (entry.EventBusName ?? 'default').split('/').pop() ?? 'default';
      this.put(
        {
          version: '0',
          id,
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: call.accountId,
          time: (entry.Time ?? new Date(this.now())).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: call.region,
          resources: entry.Resources ?? [],
          detail,
        },
        busName,
      );
      return { EventId: id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }
}
