import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetImageCommand, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { ListAccountsForParentCommand } from '@aws-sdk/client-organizations';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { approvalTaskToken } from '../../aws/promotion/task-tokens.js';
import { rejectionCause } from '../../core/promotion/outcome.js';
import { onFinding } from '../../functions/on-finding.js';
import { gate } from '../../functions/promotion/gate.js';
import { share } from '../../functions/promotion/share.js';
import { type InProcessDynamo, startInProcessDynamo } from '../../local/dynalite-in-process.js';
import { BUILD_ARN, catalog, getImageOutput } from '../handlers/promotion-fixtures.js';
import {
  type Asl,
  approver,
  defaultWorld,
  freshLedger,
  mocks,
  runPromotion,
  synthesizedPromotion,
  taskOverrides,
} from './promotion-asl-harness.js';

let asl: Asl;
let dynamo: InProcessDynamo;

beforeAll(async () => {
  asl = await synthesizedPromotion();
  dynamo = startInProcessDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

beforeEach(async () => {
  await freshLedger(dynamo);
  await defaultWorld();
});

const approveAs = (by: string) => approver(async () => ({ decision: 'approved', by, at: '2027-01-20T09:00:00Z' }));
const pointerWrites = () => mocks.ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name);
const promotedEvents = () =>
  mocks.bus.commandCalls(PutEventsCommand).map((c) => JSON.parse(c.args[0].input.Entries?.[0]?.Detail ?? '{}').channel);

describe('promotion state machine (synthesized ASL)', () => {
  it('promotes through every channel in order when gates pass and prod is approved', async () => {
    const { handlers, calls } = taskOverrides(approveAs('ops-lead'));

    const { outcomes, failure } = await runPromotion(asl, handlers);

    expect(failure).toBeUndefined();
    expect(outcomes.map((o) => [o.channel, o.outcome])).toEqual([
      ['dev', 'promoted'],
      ['prod', 'promoted'],
      ['staging', 'promoted'],
    ]);
    expect(promotedEvents()).toEqual(['dev', 'staging', 'prod']);
    expect(new Set(pointerWrites())).toEqual(
      new Set(['/goldsmith/base/dev', '/goldsmith/base/staging', '/goldsmith/base/prod']),
    );
    expect(calls).toMatchObject({ Gate: 3, SoakCheck: 2, 'RequestApproval prod': 1, Share: 3, Publish: 3, Retire: 1 });
    expect(calls.RecordOutcome).toBeUndefined();
    expect(outcomes.find((o) => o.channel === 'prod')).toMatchObject({
      by: 'ops-lead',
      reason: 'passed every gate; approved by ops-lead',
    });
    // The ledger keeps the task token sealed; the functions that answer tasks open it.
    const approval = await getApproval('base', '1.0.0/3', 'prod');
    expect(approval).toMatchObject({ approvers: ['ops-lead', 'security-reviewer'] });
    expect(approval?.taskToken).toMatch(/^sealed:v1:/);
    expect(approval && (await approvalTaskToken(approval))).toBe('local-task-token-0123456789');
  });

  it('gates each channel with its own policy: 3 high findings pass dev, then stop at staging', async () => {
    const high = { severity: 'HIGH', vulnerabilityId: 'CVE-2027-1' };
    mocks.imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [high, high, high] });
    const { handlers, calls } = taskOverrides(approveAs('ops-lead'));

    const { outcomes } = await runPromotion(asl, handlers);

    expect(outcomes).toEqual([
      { channel: 'dev', outcome: 'promoted', reason: 'passed every gate', by: 'goldsmith' },
      {
        channel: 'staging',
        outcome: 'rejected',
        reason: "3 high findings exceed the channel's maximum of 2",
        by: 'goldsmith',
      },
    ]);
    expect(pointerWrites().every((name) => name === '/goldsmith/base/dev')).toBe(true);
    // prod is not reached: its Gate sees staging not promoted and skips, recording nothing.
    expect(calls.Gate).toBe(3);
    expect(calls['RequestApproval prod']).toBeUndefined();
    expect(calls.Retire).toBe(1);
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'gate-failed' } }),
    });
  });

  it('records a rejected approval with the approver and leaves prod untouched', async () => {
    const reject = approver(async () => {
      const err = new Error(rejectionCause('security-reviewer', '2027-01-20T09:00:00Z', 'kernel module unsigned'));
      err.name = 'Rejected';
      throw err;
    });
    const { handlers } = taskOverrides(reject);

    const { outcomes } = await runPromotion(asl, handlers);

    expect(outcomes.find((o) => o.channel === 'prod')).toEqual({
      channel: 'prod',
      outcome: 'rejected',
      reason: 'kernel module unsigned',
      by: 'security-reviewer',
    });
    expect(pointerWrites()).not.toContain('/goldsmith/base/prod');
    expect(promotedEvents()).toEqual(['dev', 'staging']);
  });

  it('records expired when nobody answers the approval within the TimeoutSeconds from the catalog', async () => {
    // Date too: the soaks before prod pass only once their time has (test/integration/promotion-asl-harness.ts).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
    try {
      let outcomeBeforeTimeout: unknown = 'not checked';
      const silent = approver(async () => {
        // Nobody answers. A minute short of prod's three-day timeout nothing is decided; at three days it expires.
        setImmediate(async () => {
          await vi.advanceTimersByTimeAsync(3 * 86_400 * 1000 - 60_000);
          outcomeBeforeTimeout = (await listOutcomes('base', '1.0.0/3')).find((o) => o.channel === 'prod');
          await vi.advanceTimersByTimeAsync(60_000);
        });
        return new Promise(() => undefined);
      });
      const { handlers } = taskOverrides(silent);

      const { outcomes } = await runPromotion(asl, handlers);

      expect(outcomeBeforeTimeout).toBeUndefined();
      expect(outcomes.find((o) => o.channel === 'prod')).toMatchObject({ outcome: 'expired' });
      expect(pointerWrites()).not.toContain('/goldsmith/base/prod');
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts a soak when a new CVE arrives during it, and publishes nothing for that channel', async () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    const cveDuringSoak = async (input: unknown) => {
      const passed = await gate(input);
      // While dev soaks, Image Builder's re-scan finds a critical CVE and says so; on-finding reads it back from
      // ListImageScanFindings and records it for the soak check.
      mocks.imagebuilder.on(ListImageScanFindingsCommand).resolves({
        findings: [
          { severity: 'CRITICAL', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2027-0001', source: 'NVD' } },
        ],
      });
      await onFinding({
        version: '0',
        id: 'cve-1',
        'detail-type': 'EC2 Image Builder CVE Detected',
        source: 'aws.imagebuilder',
        account: '111122223333',
        time: '2027-01-19T00:00:00Z',
        region: 'us-east-1',
        resources: [BUILD_ARN],
        detail: {
          'resource-id': 'i-0123456789abcdef0',
          'finding-severity-counts': { all: 1, critical: 1, high: 0, medium: 0 },
        },
      });
      return passed;
    };
    mocks.imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    const { handlers, calls } = taskOverrides(approveAs('ops-lead'), { Gate: cveDuringSoak });

    const { outcomes } = await runPromotion(asl, handlers);

    expect(outcomes).toEqual([
      {
        channel: 'dev',
        outcome: 'aborted',
        reason: "new findings during soak: 1 critical finding exceeds the channel's maximum of 0",
        by: 'goldsmith',
      },
    ]);
    expect(calls.Share).toBeUndefined();
    expect(pointerWrites()).toEqual([]);
  });

  it('retries a throttled task with backoff and still promotes', async () => {
    let throttled = false;
    const throttledOnce = async (input: unknown) => {
      if (!throttled) {
        throttled = true;
        const err = new Error('Rate Exceeded.');
        err.name = 'Lambda.TooManyRequestsException';
        throw err;
      }
      return share(input);
    };
    const { handlers, calls } = taskOverrides(approveAs('ops-lead'), { Share: throttledOnce });

    const { outcomes } = await runPromotion(asl, handlers);

    expect(calls.Share).toBe(4);
    expect(outcomes.every((o) => o.outcome === 'promoted')).toBe(true);
    expect(outcomes).toHaveLength(3);
  });

  it('records aborted against the first channel when the build cannot be loaded', async () => {
    mocks.imagebuilder
      .on(GetImageCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    const { handlers, calls } = taskOverrides(approveAs('ops-lead'));

    const { outcomes, failure } = await runPromotion(asl, handlers);

    expect(failure).toMatchObject({ name: 'ExecutionError' });
    expect(calls.RecordFailure).toBe(1);
    expect(calls.Gate).toBeUndefined();
    expect(outcomes).toEqual([
      { channel: 'dev', outcome: 'aborted', reason: 'ResourceNotFoundException: not found', by: 'goldsmith' },
    ]);
  });

  it('fails the promotion at Share, announced, when dev would pass the AMI sharing quota, sharing nothing', async () => {
    const accounts = Array.from({ length: 1_001 }, (_, i) => String(300000000000 + i));
    const channels = catalog.channels.map((c) =>
      c.name === 'dev' ? { ...c, targets: { ...c.targets, accounts } } : c,
    );
    process.env.GOLDSMITH_CATALOG = JSON.stringify({ ...catalog, channels });
    mocks.organizations
      .on(ListAccountsForParentCommand, { ParentId: 'ou-x1y2-prd00002' })
      .resolves({ Accounts: accounts.map((Id) => ({ Id, State: 'ACTIVE' as const })) });
    const { handlers, calls } = taskOverrides(approveAs('ops-lead'));

    const { outcomes } = await runPromotion(asl, handlers);

    expect([calls.Share, calls.RecordOutcome]).toEqual([1, 1]);
    expect(outcomes).toEqual([
      expect.objectContaining({ channel: 'dev', reason: expect.stringContaining('AmiSharingQuotaExceeded') }),
    ]);
    expect(outcomes[0]?.reason).toContain('1,002 entities');
    expect(mocks.ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
    expect(pointerWrites()).toEqual([]);
    expect(mocks.sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ channel: { DataType: 'String', StringValue: 'dev' } }),
    });
  });
});
