import { randomUUID } from 'node:crypto';
import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it } from 'vitest';
import { KEEP_IN_FLIGHT_MS } from '../../core/audit/key-grants.js';
import { auditKeyGrants } from '../../functions/key-grants.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  announced,
  autoScalingRole,
  FACTORY,
  grant,
  grantIds,
  homeOf,
  KEY_ID,
  LEAVER,
  MOVED,
  NOW,
  STAYER,
  useKeyGrantsWorld,
  world,
} from './key-grants-world.js';

/**
 * The AMI key grants auditor judging grants by grantee (core/audit/grantee-sweep.ts): a member's extra grants to its
 * Auto Scaling role revoked whatever their names, a leaver's grant kept only while its stack instance is in flight,
 * the factory's own grants never touched.
 */

useKeyGrantsWorld();

describe('the AMI key grants judged by grantee, not by name', () => {
  const EXTRA = 200;
  it("revokes a member's 200 extra grants to its Auto Scaling role, whatever their names, keeps the baseline's, and announces it as critical", async () => {
    const baseline = world.fakes.kms
      .key('us-east-1', KEY_ID)
      ?.grants.find((g) => g.name === 'goldsmith-auto-scaling-stack1');
    for (let i = 0; i < EXTRA; i++) {
      // Any name, the baseline's prefix, or none; the baseline's operations or fewer.
      const name = [randomUUID(), `goldsmith-auto-scaling-${randomUUID()}`, undefined][i % 3];
      grant('us-east-1', STAYER, autoScalingRole(STAYER), name, i % 2 ? ['Decrypt'] : undefined);
    }
    // 200 RevokeGrant calls pass KMS's request rate: the SDK's backoff runs on the virtual world.clock.
    const run = await world.clock.runUntilSettled(world.clock.track(() => auditKeyGrants(NOW), 'audit'));
    const extras = homeOf(run)?.revoked.filter((r) => r.account === STAYER) ?? [];
    expect(extras).toHaveLength(EXTRA);
    const roleGrants = world.fakes.kms
      .key('us-east-1', KEY_ID)
      ?.grants.filter((g) => g.granteePrincipal === autoScalingRole(STAYER));
    expect(roleGrants?.map((g) => g.grantId)).toEqual([baseline?.grantId]);
    const notice = announced().filter((n) => n.event === 'key-grant-revoked' && n.detail.account === STAYER);
    expect(notice).toEqual([
      expect.objectContaining({
        severity: 'critical',
        detail: expect.objectContaining({
          grants: EXTRA,
          reason: expect.stringMatching(/beyond the one the member baseline made/),
        }),
      }),
    ]);
    // Idempotent: a second run revokes nothing more and announces nothing again.
    const before = world.fakes.sns.messages.length;
    const again = await auditKeyGrants(new Date(NOW.getTime() + 3600_000));
    expect(again.regions.flatMap((r) => r.revoked)).toEqual([]);
    expect(world.fakes.sns.messages.length).toBe(before);
  });

  it("revokes a leaver's grant to its Auto Scaling role made under another name", async () => {
    const other = grant('us-east-1', LEAVER, autoScalingRole(LEAVER), 'my-own-grant');
    const unnamed = grant('eu-west-1', LEAVER, autoScalingRole(LEAVER));
    const run = await auditKeyGrants(NOW);
    const revoked = run.regions.flatMap((r) => r.revoked.map((x) => x.grantId));
    expect(revoked).toEqual(expect.arrayContaining([other, unnamed]));
    expect(grantIds()).not.toContain(other);
    expect(world.fakes.kms.key('eu-west-1', KEY_ID)?.grants).toEqual([]);
  });

  it("never revokes the factory's own grants (Image Builder's, EC2's, its roles', its Auto Scaling role's copies) while it revokes a member's copy", async () => {
    const own = [
      grant('us-east-1', FACTORY, `arn:aws:iam::${FACTORY}:role/goldsmith-test-imagebuilder`),
      grant('us-east-1', FACTORY, `arn:aws:iam::${FACTORY}:role/goldsmith-test-reconcile`),
      grant('us-east-1', FACTORY, 'ec2.us-east-1.amazonaws.com'),
      grant('us-east-1', FACTORY, 'imagebuilder.amazonaws.com'),
      ...Array.from({ length: 3 }, (_, i) => grant('us-east-1', FACTORY, autoScalingRole(FACTORY), `copy-${i}`)),
    ];
    const copy = grant('us-east-1', STAYER, autoScalingRole(STAYER), 'copy-0');
    await auditKeyGrants(NOW);
    await auditKeyGrants(new Date(NOW.getTime() + 86_400_000));
    expect(grantIds()).toEqual(expect.arrayContaining(own));
    expect(grantIds()).not.toContain(copy);
  });

  describe("a leaver's stack instance left in flight or stuck", () => {
    let running: boolean;
    beforeEach(() => {
      process.env.MEMBER_BASELINE_STACK_SET = 'goldsmith-test-member-baseline';
      process.env.MEMBER_BASELINE_CALL_AS = 'DELEGATED_ADMIN';
      running = true;
      // The moved account's instance in the sandbox OU no channel targets: its deletion under way, then failed.
      const stuck = {
        StackId: `arn:aws:cloudformation:us-east-1:${MOVED}:stack/StackSet-baseline/stack3`,
        Account: MOVED,
        Region: 'us-east-1',
        Status: 'OUTDATED' as const,
      };
      mockClient(CloudFormationClient)
        .on(ListStackInstancesCommand)
        .callsFake((input: { StackInstanceAccount?: string }) => ({
          Summaries:
            input.StackInstanceAccount === MOVED
              ? [{ ...stuck, StackInstanceStatus: { DetailedStatus: running ? 'RUNNING' : 'FAILED' } }]
              : [],
        }));
      return () => {
        delete process.env.MEMBER_BASELINE_STACK_SET;
        delete process.env.MEMBER_BASELINE_CALL_AS;
      };
    });

    const movedGrant = () =>
      world.fakes.kms.key('us-east-1', KEY_ID)?.grants.find((g) => g.granteePrincipal === autoScalingRole(MOVED));

    it('keeps the grant while its deletion is in flight, announced as a warning, and revokes it once the instance is stuck FAILED after the bound', async () => {
      const first = await auditKeyGrants(NOW);
      const until = new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS).toISOString();
      expect(homeOf(first)?.kept).toEqual([
        expect.objectContaining({ account: MOVED, why: expect.stringMatching(/in flight .*OUTDATED RUNNING/), until }),
      ]);
      expect(announced().filter((n) => n.event === 'key-grant-kept')).toEqual([
        expect.objectContaining({ severity: 'warning', detail: expect.objectContaining({ account: MOVED, until }) }),
      ]);
      expect(movedGrant()).toBeDefined();
      running = false;
      const later = await auditKeyGrants(new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS + 3600_000));
      expect(homeOf(later)?.revoked.map((r) => r.account)).toEqual([MOVED]);
      expect(movedGrant()).toBeUndefined();
    });

    it('revokes the grant once the bound has passed though the instance still shows RUNNING', async () => {
      await auditKeyGrants(NOW);
      const soon = await auditKeyGrants(new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS - 60_000));
      expect(homeOf(soon)?.kept?.map((k) => k.account)).toEqual([MOVED]);
      const later = await auditKeyGrants(new Date(NOW.getTime() + KEEP_IN_FLIGHT_MS));
      expect(homeOf(later)?.revoked).toEqual([expect.objectContaining({ account: MOVED })]);
      expect(
        announced().find((n) => n.event === 'key-grant-revoked' && n.detail.account === MOVED)?.detail.reason,
      ).toMatch(/still OUTDATED RUNNING 12 hours after/);
    });
  });
});
