import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import type { StackTemplate } from '../../core/limits/index.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import example from '../../goldsmith.config.js';
import {
  compareStateful,
  describeChange,
  type StatefulInventory,
  statefulInventory,
} from '../../scripts/release/stateful.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { synthesizeTemplates } from '../../stacks/synthesize.js';
import { REPO_ROOT } from './helpers.js';

const RELEASES = join(REPO_ROOT, 'test/fixtures/releases');

interface ReleaseFixture {
  release: string;
  stage: string;
  stacks: StatefulInventory;
}

function recordedReleases(): ReleaseFixture[] {
  return readdirSync(RELEASES).map(
    (version) => JSON.parse(readFileSync(join(RELEASES, version, 'stateful.json'), 'utf8')) as ReleaseFixture,
  );
}

let templates: Promise<StackTemplate[]> | undefined;
/** Main's templates, stage prod, synthesized once for the file. */
function synthesized(): Promise<StackTemplate[]> {
  const catalog = parseCatalogInput(example as CatalogInput, REPO_ROOT);
  templates ??= synthesizeTemplates(catalog, { root: REPO_ROOT, stage: 'prod' });
  return templates;
}

const LEDGER = 'prod-goldsmith-Ledger';
const TABLE = 'LedgerTable38A58B60';

/** A deep copy to mutate. */
const copy = (inventory: StatefulInventory): StatefulInventory => structuredClone(inventory);
const breaking = (previous: StatefulInventory, next: StatefulInventory) =>
  compareStateful(previous, next)
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
    for (const release of recordedReleases()) {
      expect({ release: release.release, breaking: breaking(release.stacks, main) }).toEqual({
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
    next[LEDGER]!.NewTable = { ...main[LEDGER]![TABLE]!, replacing: { TableName: 'goldsmith-prod-other' } };
    const changes = compareStateful(main, next);
    expect(changes.filter((c) => c.breaking)).toEqual([]);
    expect(changes.map(describeChange)).toContain(
      `${LEDGER} NewTable (AWS::DynamoDB::Table): added: the deploy creates it`,
    );
  });
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

describe('the release a deployment records', () => {
  let stacks: StackTemplate[];
  beforeAll(async () => {
    stacks = await synthesized();
  }, 120_000);
  const resources = () =>
    stacks.flatMap(({ stack, template }) =>
      Object.entries((template.Resources ?? {}) as Record<string, Resource>).map(([id, r]) => ({ stack, id, ...r })),
    );

  it("writes this checkout's version to /goldsmith-release/<stage> in the last stack, retained", () => {
    const parameters = resources().filter((r) => r.Type === 'AWS::SSM::Parameter');
    expect(parameters).toEqual([
      expect.objectContaining({
        stack: 'prod-goldsmith-Trust',
        DeletionPolicy: 'Retain',
        Properties: expect.objectContaining({
          Name: '/goldsmith-release/prod',
          Value: GOLDSMITH_VERSION,
          Type: 'String',
        }),
      }),
    ]);
    expect(GOLDSMITH_VERSION).toBe('0.3.0-dev');
  });

  it("lets the operators' role read exactly that parameter, and no role write it", () => {
    const touching = resources()
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) =>
        ((r.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [])
          .filter((s) => JSON.stringify(s.Resource).includes('goldsmith-release'))
          .map((s) => ({ policy: r.id, actions: s.Action, resource: JSON.stringify(s.Resource) })),
      );
    expect(touching).toEqual([
      {
        policy: expect.stringMatching(/^OperatorsRoleDefaultPolicy/),
        actions: 'ssm:GetParameter',
        resource: expect.stringContaining(':parameter/goldsmith-release/prod'),
      },
    ]);
  });

  it('grants no role a write that reaches the parameter, wildcards included', () => {
    const param = 'arn:aws:ssm:us-east-1:123456789012:parameter/goldsmith-release/prod';
    const writes =
      /^(\*|ssm:\*|ssm:Put\*|ssm:PutParameter|ssm:Delete\*|ssm:DeleteParameters?|ssm:LabelParameterVersion)$/;
    // A resource as a glob: an intrinsic inside it (a Ref, an attribute) may be anything.
    const glob = (r: unknown): string =>
      typeof r === 'string'
        ? r
        : Array.isArray((r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1])
          ? (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(glob).join('')
          : '*';
    const matches = (pattern: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(param);
    const reaching = resources()
      .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) =>
        ((r.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [])
          .filter((st) => st.Effect === 'Allow' && [st.Action].flat().some((a) => writes.test(a)))
          .filter((st) => [st.Resource].flat().some((res) => matches(glob(res))))
          .map((st) => `${r.stack} ${r.id}: ${JSON.stringify(st.Action)}`),
      );
    expect(reaching).toEqual([]);
    // The pattern does catch the pointers' grant if it were widened to every parameter.
    expect(matches('arn:aws:ssm:*:123456789012:parameter/*')).toBe(true);
    expect(matches('arn:aws:ssm:*:123456789012:parameter/goldsmith/*')).toBe(false);
  });
});
