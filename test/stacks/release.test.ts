import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareStateful, describeChange } from '../../scripts/release/compare.js';
import { type StatefulInventory, statefulInventory } from '../../scripts/release/stateful.js';
import { REPO_ROOT } from './helpers.js';
import { newestRelease, RELEASES, recordedReleases, synthesized } from './release-helpers.js';

const LEDGER = 'prod-goldsmith-Ledger';
const TABLE = 'LedgerTable38A58B60';

/** A deep copy to mutate. */
const copy = (inventory: StatefulInventory): StatefulInventory => structuredClone(inventory);
const breaking = (previous: StatefulInventory, next: StatefulInventory, olderRelease = false) =>
  compareStateful(previous, next, { olderRelease })
    .filter((c) => c.breaking)
    .map(describeChange);

describe('stateful resources across releases', () => {
  let main: StatefulInventory;
  beforeAll(async () => {
    main = statefulInventory(await synthesized());
  }, 120_000);

  it('keeps a recorded fixture for 0.1.0, small, of every stateful resource kind', () => {
    const file = join(RELEASES, '0.1.0', 'stateful.json');
    expect(statSync(file).size).toBeLessThan(200_000);
    const fixture = recordedReleases().find((r) => r.release === '0.1.0');
    const types = new Set(Object.values(fixture?.stacks ?? {}).flatMap((r) => Object.values(r).map((x) => x.type)));
    expect([...types]).toEqual(
      expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']),
    );
    expect(fixture?.stacks[LEDGER]?.[TABLE]?.replacing).toMatchObject({ TableName: 'goldsmith-prod-ledger' });
  });

  it('deploys over every recorded release without replacing or un-retaining a stateful resource', () => {
    const newest = newestRelease().release;
    for (const release of recordedReleases()) {
      const older = release.release !== newest;
      expect({ release: release.release, breaking: breaking(release.stacks, main, older) }).toEqual({
        release: release.release,
        breaking: [],
      });
    }
  });

  it('retains every data resource of main (table, key, secret, parameter, bucket, queue, log group, schedule group)', () => {
    expect(breaking(main, main)).toEqual([]);
  });

  it('fails when a stateful resource changes its logical id', () => {
    const next = copy(main);
    const ledger = next[LEDGER]!;
    ledger.LedgerTableRenamed = ledger[TABLE]!;
    delete ledger[TABLE];
    expect(breaking(main, next)).toEqual([
      `${LEDGER} ${TABLE} (AWS::DynamoDB::Table): removed: the deploy orphans it (Retain): nothing manages it any more (a changed logical id or a removed resource)`,
      `${LEDGER} LedgerTableRenamed (AWS::DynamoDB::Table): new, DeletionPolicy Retain and the fixed name "goldsmith-prod-ledger": a failed deploy's rollback keeps it and every retry fails ("already exists"); use RetainExceptOnCreate (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)`,
    ]);
  });

  it('fails when a stateful resource loses its retention', () => {
    const next = copy(main);
    next[LEDGER]![TABLE]!.deletionPolicy = 'Delete';
    expect(breaking(main, next)).toEqual([
      `${LEDGER} ${TABLE} (AWS::DynamoDB::Table): DeletionPolicy drops Retain (now Delete)`,
      `${LEDGER} ${TABLE} (AWS::DynamoDB::Table): holds data but is not retained: DeletionPolicy Delete`,
    ]);
  });

  it('fails when a property whose change requires replacement changes (the key schema, a nested one)', () => {
    const next = copy(main);
    const table = next[LEDGER]![TABLE]!;
    table.replacing.KeySchema = [{ AttributeName: 'id', KeyType: 'HASH' }];
    expect(breaking(main, next)).toEqual([
      expect.stringMatching(/LedgerTable38A58B60 \(AWS::DynamoDB::Table\): KeySchema changes: CloudFormation replaces/),
    ]);
  });

  it("fails when a custom resource's physical id changes, and allows its Create call to change (an update)", () => {
    const stack = Object.keys(main).find((s) =>
      Object.values(main[s]!).some((r) => r.type === 'Custom::GoldsmithKeyReplica'),
    )!;
    const [id, replica] = Object.entries(main[stack]!).find(([, r]) => r.type === 'Custom::GoldsmithKeyReplica')!;
    const [created, updated] = replica.replacing.physicalResourceIds as string[];
    expect(created).toMatch(/^[a-z]+-[a-z]+-\d$/);
    expect(updated).toBe(created);
    const next = copy(main);
    next[stack]![id]!.replacing.physicalResourceIds = [created, 'eu-west-9'];
    expect(breaking(main, next)).toEqual([
      expect.stringContaining(`${id} (Custom::GoldsmithKeyReplica): physicalResourceIds changes`),
    ]);
  });

  it('allows an added stateful resource that is retained, and reports it', () => {
    const next = copy(main);
    next[LEDGER]!.NewTable = {
      ...main[LEDGER]![TABLE]!,
      deletionPolicy: 'RetainExceptOnCreate',
      replacing: { TableName: 'goldsmith-prod-other' },
      fixedName: 'goldsmith-prod-other',
    };
    const changes = compareStateful(main, next);
    expect(changes.filter((c) => c.breaking)).toEqual([]);
    expect(changes.map(describeChange)).toContain(
      `${LEDGER} NewTable (AWS::DynamoDB::Table): added: the deploy creates it`,
    );
  });

  it('compares every conditional resource: the rollout state machine and its log groups, the StackSet, the URLs', () => {
    const fixture = recordedReleases().find((r) => r.release === '0.2.0')!;
    const ids = Object.values(fixture.stacks).flatMap((r) => Object.keys(r));
    for (const prefix of ['RolloutStateMachine', 'MemberBaselineStackSet', 'ApprovalCallbackFunctionUrl'])
      expect(ids.some((id) => id.startsWith(prefix))).toBe(true);
    expect(ids.filter((id) => /^Rollout.*(Log|Logs)/.test(id)).length).toBeGreaterThanOrEqual(3);
    // Renaming the rollout state machine (stacks/promotion/rollout.ts) replaces it: its waiting executions stop.
    const next = copy(main);
    const promotion = next['prod-goldsmith-Promotion']!;
    const id = Object.keys(promotion).find(
      (k) => k.startsWith('RolloutStateMachine') && promotion[k]!.type === 'AWS::StepFunctions::StateMachine',
    )!;
    promotion.RolloutMachineRenamed = promotion[id]!;
    delete promotion[id];
    expect(breaking(fixture.stacks, next)).toEqual([
      expect.stringContaining(`${id} (AWS::StepFunctions::StateMachine): removed`),
    ]);
  });

  it('holds every stateful resource of main in the newest release, or lists it as added in CHANGELOG.md', () => {
    const newest = newestRelease();
    const unreleased = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8').split(/^## \[(?!Unreleased)/m)[0] ?? '';
    const undocumented = (next: StatefulInventory) =>
      compareStateful(newest.stacks, next)
        .filter((c) => c.message.startsWith('added') && !unreleased.includes(c.logicalId))
        .map(describeChange);
    expect(undocumented(main)).toEqual([]);
    const next = copy(main);
    next[LEDGER]!.UndocumentedTable = main[LEDGER]![TABLE]!;
    expect(undocumented(next)).toEqual([
      `${LEDGER} UndocumentedTable (AWS::DynamoDB::Table): added: the deploy creates it`,
    ]);
  });

  it('never replaces the functions behind the function URLs nor their URLs (approval links, Slack)', () => {
    const promotion = main['prod-goldsmith-Promotion']!;
    const fn = Object.keys(promotion).find((k) => /^ApprovalCallback[0-9A-F]{8}$/.test(k))!;
    expect(promotion[fn]?.type).toBe('AWS::Lambda::Function');
    const trust = main['prod-goldsmith-Trust']!;
    expect(
      Object.entries(trust)
        .filter(([k]) => k.startsWith('Operator'))
        .map(([, r]) => r.type)
        .sort(),
    ).toEqual(expect.arrayContaining(['AWS::Lambda::Function', 'AWS::Lambda::Url']));
    const next = copy(main);
    next['prod-goldsmith-Promotion']![fn]!.replacing.FunctionName = 'goldsmith-prod-approval-callback';
    expect(breaking(main, next)).toEqual([
      expect.stringContaining(`${fn} (AWS::Lambda::Function): FunctionName changes`),
    ]);
  });

  it("never replaces what run-time schedules name: the revocation target, the redrive, the schedulers' roles", () => {
    const pinned = Object.entries(main).flatMap(([stack, r]) =>
      Object.entries(r)
        .filter(([, x]) => x.type === 'AWS::IAM::Role' || x.type === 'AWS::Lambda::Function')
        .map(([id]) => `${stack} ${id.replace(/[0-9A-F]{8}$/, '')}`),
    );
    expect(pinned).toEqual(
      expect.arrayContaining([
        'prod-goldsmith-Trust RevocationSchedulerRole',
        'prod-goldsmith-Monitoring RedriveFollowUpSchedulerRole',
        'prod-goldsmith-Monitoring RedriveDeadLetters',
        'prod-goldsmith-Promotion OnLifecycleRequest',
      ]),
    );
    const next = copy(main);
    const trust = next['prod-goldsmith-Trust']!;
    const role = Object.keys(trust).find((k) => k.startsWith('RevocationSchedulerRole'))!;
    trust.RevocationSchedulerRoleRenamed = trust[role]!;
    delete trust[role];
    expect(breaking(main, next)).toEqual([
      expect.stringContaining(`${role} (AWS::IAM::Role): removed: the deploy deletes it`),
    ]);
  });

  it("leaves out the parameters each deploy derives again (the audit's expected policies), and only those", () => {
    const ids = Object.values(main).flatMap((r) => Object.entries(r));
    expect(ids.filter(([id]) => id.includes('ExpectedPolicy'))).toEqual([]);
    expect(ids.some(([, r]) => r.type === 'AWS::SSM::Parameter')).toBe(true);
  });

  it('retains the member baseline StackSet (removing it would delete every member stack instance)', () => {
    const stackSet = main['prod-goldsmith-MemberBaseline']?.MemberBaselineStackSet;
    expect(stackSet).toMatchObject({ deletionPolicy: 'Retain', updateReplacePolicy: 'Retain' });
    const next = copy(main);
    next['prod-goldsmith-MemberBaseline']!.MemberBaselineStackSet!.deletionPolicy = 'Delete';
    expect(breaking(main, next)).toContain(
      'prod-goldsmith-MemberBaseline MemberBaselineStackSet (AWS::CloudFormation::StackSet): DeletionPolicy drops Retain (now Delete)',
    );
  });
});
