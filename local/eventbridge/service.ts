import { randomUUID } from 'node:crypto';
import type { FakeCall, FakeService } from '../fakes/common.js';
import { NotImplementedByFakeError } from '../fakes/common.js';
import type { BusEvent } from './bus.js';
import type { EventBusPermissions } from './permissions.js';
import type { EventBridgeRulesApi } from './rules-api.js';

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: Date;
}

const PERMISSION_ACTIONS = new Set(['DescribeEventBus', 'PutPermission', 'RemovePermission']);

/**
 * EventBridge's PutEvents as our functions call it: each entry becomes an event on the named bus (by name or ARN),
 * with the documented per-entry errors for a malformed entry instead of failing the whole call.
 */
export class EventBridgeFake implements FakeService {
  constructor(
    /** Puts on the named bus of the Region the call was made in. */
    private readonly put: (event: BusEvent, eventBusName: string, region: string) => void,
    private readonly now: () => number,
    /** Authorizes each entry for the calling principal (the bus policy); undefined lets it through. */
    private readonly authorize?: (entry: {
      source: string;
      detailType: string;
      busName: string;
    }) => Promise<{ errorCode: string; reason: string } | undefined>,
    /** The rule API (ListRules, DisableRule, PutTargets, …) over the routing table; absent: not implemented. */
    private readonly rules?: EventBridgeRulesApi,
    /** The buses' policies (DescribeEventBus, PutPermission, RemovePermission); absent: not implemented. */
    private readonly permissions?: EventBusPermissions,
  ) {}

  async handle(call: FakeCall): Promise<unknown> {
    if (this.permissions && PERMISSION_ACTIONS.has(call.action)) return this.permissions.handle(call);
    if (call.action !== 'PutEvents') {
      if (this.rules) return this.rules.handle(call);
      throw new NotImplementedByFakeError('events', call.action);
    }
    const entries = (call.input.Entries ?? []) as PutEventsEntry[];
    let failed = 0;
    const results: Record<string, string>[] = [];
    for (const entry of entries) results.push(await this.putEntry(entry, call, () => failed++));
    return { FailedEntryCount: failed, Entries: results };
  }

  private async putEntry(entry: PutEventsEntry, call: FakeCall, fail: () => void): Promise<Record<string, string>> {
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail ?? '');
    } catch {
      fail();
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!entry.Source || !entry.DetailType) {
      fail();
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source and DetailType are required.' };
    }
    const id = randomUUID();
    const busName = (entry.EventBusName ?? 'default').split('/').pop() ?? 'default';
    // Each entry is authorized on its own (per-entry errors in PutEventsResultEntry).
    const refused = await this.authorize?.({ source: entry.Source, detailType: entry.DetailType, busName });
    if (refused) {
      fail();
      return { ErrorCode: refused.errorCode, ErrorMessage: refused.reason };
    }
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
      call.region,
    );
    return { EventId: id };
  }
}
