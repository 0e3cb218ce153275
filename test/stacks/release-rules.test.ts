import { describe, expect, it } from 'vitest';
import type { StackTemplate, TemplateJson } from '../../core/limits/index.js';
import { serviceSpec } from '../../scripts/readiness/cfn-schema.js';
import { compareStateful, describeChange } from '../../scripts/release/compare.js';
import { fixedName, nameProperty } from '../../scripts/release/physical-name.js';
import { statefulInventory } from '../../scripts/release/stateful.js';
import { newestRelease, synthesized } from './release-helpers.js';

/** Crafted templates of one stack, `prod-goldsmith-Promotion`, compared as two releases of it. */
const STACK = 'prod-goldsmith-Promotion';
type Resources = Record<string, Record<string, unknown>>;
const templates = (resources: Resources): StackTemplate[] => [
  { stack: STACK, template: { Resources: resources } as TemplateJson },
];
const breaking = (before: Resources, after: Resources) =>
  compareStateful(statefulInventory(templates(before)), statefulInventory(templates(after)))
    .filter((c) => c.breaking)
    .map(describeChange);

const retained = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };
const group = (name: unknown, policy = 'Retain') => ({
  Type: 'AWS::Scheduler::ScheduleGroup',
  Properties: name === undefined ? {} : { Name: name },
  DeletionPolicy: policy,
  UpdateReplacePolicy: 'Retain',
});
const role = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::IAM::Role',
  Properties: { AssumeRolePolicyDocument: {}, ...props },
});
const machine = (roleId: string) => ({
  Type: 'AWS::StepFunctions::StateMachine',
  Properties: { DefinitionString: '{}', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } },
});
const key = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::KMS::Key',
  Properties: { KeyPolicy: {}, ...props },
  ...retained,
});

describe('the release check: what a failed deploy leaves for its retry', () => {
  it("finds each type's name property in the CloudFormation registry schema", () => {
    const db = serviceSpec();
    expect(
      [
        'AWS::Scheduler::ScheduleGroup',
        'AWS::SQS::Queue',
        'AWS::Logs::LogGroup',
        'AWS::StepFunctions::StateMachine',
        'AWS::SecretsManager::Secret',
        'AWS::CloudFormation::StackSet',
        'AWS::KMS::Key',
      ].map((type) => nameProperty(db, type)),
    ).toEqual(['Name', 'QueueName', 'LogGroupName', 'StateMachineName', 'Name', 'StackSetName', undefined]);
  });

  it('reads a name built from literals and the stack name, Region or account as fixed, and no other', () => {
    expect(fixedName({ 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'redrive']] })).toBe(`\${AWS::StackName}-redrive`);
    expect(fixedName({ 'Fn::Sub': `goldsmith-\${AWS::Region}-\${AWS::AccountId}` })).toBe(
      `goldsmith-\${AWS::Region}-\${AWS::AccountId}`,
    );
    expect(fixedName({ 'Fn::Join': ['-', [{ Ref: 'OtherQueue' }, 'x']] })).toBeUndefined();
    expect(fixedName({ 'Fn::Sub': `\${Bucket}-logs` })).toBeUndefined();
    expect(fixedName({ 'Fn::Sub': [`\${Stage}-x-\${AWS::Region}`, { Stage: 'prod' }] })).toBe(`prod-x-\${AWS::Region}`);
    expect(fixedName({ 'Fn::Sub': [`\${Q}-x`, { Q: { Ref: 'Queue' } }] })).toBeUndefined();
    expect(fixedName({ 'Fn::GetAtt': ['Queue', 'QueueName'] })).toBeUndefined();
    expect(fixedName(undefined)).toBeUndefined();
  });

  it('refuses a resource the release adds with DeletionPolicy Retain and a fixed name, naming it', () => {
    const before = { Existing: group('goldsmith-prod-existing') };
    expect(breaking(before, { ...before, Added: group({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }]] }) })).toEqual([
      `${STACK} Added (AWS::Scheduler::ScheduleGroup): new, DeletionPolicy Retain and the fixed name "\${AWS::StackName}": a failed deploy's rollback keeps it and every retry fails ("already exists"); use RetainExceptOnCreate (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)`,
    ]);
    // A retained resource of a type the check does not otherwise hold (a role) counts as well.
    expect(breaking(before, { ...before, Added: { ...role({ RoleName: 'goldsmith-prod-x' }), ...retained } })).toEqual([
      expect.stringContaining(
        'Added (AWS::IAM::Role): new, DeletionPolicy Retain and the fixed name "goldsmith-prod-x"',
      ),
    ]);
    // RetainExceptOnCreate, a generated name, or a resource the recorded release already had: nothing to refuse.
    expect(breaking(before, { ...before, Added: group('goldsmith-prod-new', 'RetainExceptOnCreate') })).toEqual([]);
    expect(breaking(before, { ...before, Added: group(undefined) })).toEqual([]);
    expect(breaking(before, before)).toEqual([]);
  });

  it('refuses against the newest recorded release what this code started from: the member baseline group retained', async () => {
    const main = statefulInventory(await synthesized());
    const group = main['prod-goldsmith-MemberBaseline']?.FixedScheduleGroup;
    // CDK 2.224.0's RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE: DeletionPolicy RetainExceptOnCreate, UpdateReplacePolicy Retain.
    expect(group).toMatchObject({
      deletionPolicy: 'RetainExceptOnCreate',
      updateReplacePolicy: 'Retain',
      fixedName: 'prod-goldsmith-MemberBaseline',
    });
    const started = structuredClone(main);
    started['prod-goldsmith-MemberBaseline']!.FixedScheduleGroup!.deletionPolicy = 'Retain';
    expect(
      compareStateful(newestRelease().stacks, started)
        .filter((c) => c.breaking)
        .map(describeChange),
    ).toEqual([
      expect.stringContaining('prod-goldsmith-MemberBaseline FixedScheduleGroup (AWS::Scheduler::ScheduleGroup): new'),
    ]);
  }, 120_000);

  it('accepts RetainExceptOnCreate on a resource the recorded release had: it retains what it did not create', () => {
    const before = { Group: group('goldsmith-prod-group'), Key: key() };
    const after = { Group: group('goldsmith-prod-group', 'RetainExceptOnCreate'), Key: key() };
    after.Key.DeletionPolicy = 'RetainExceptOnCreate';
    const changes = compareStateful(statefulInventory(templates(before)), statefulInventory(templates(after)));
    expect(changes.filter((c) => c.breaking)).toEqual([]);
    expect(changes.map(describeChange)).toContain(
      `${STACK} Group (AWS::Scheduler::ScheduleGroup): DeletionPolicy Retain → RetainExceptOnCreate (no update to the resource; it existed before this deploy: retained)`,
    );
    // Delete is still refused for a data resource.
    expect(breaking(before, { ...after, Key: { ...key(), DeletionPolicy: 'Delete' } })).toEqual([
      `${STACK} Key (AWS::KMS::Key): DeletionPolicy drops Retain (now Delete)`,
      `${STACK} Key (AWS::KMS::Key): holds data but is not retained: DeletionPolicy Delete`,
    ]);
  });

  it('refuses a state machine whose role changes to another logical id, or whose role is replaced', () => {
    const before = { Machine: machine('MachineRole'), MachineRole: role() };
    expect(breaking(before, { Machine: machine('MachineRoleV2'), MachineRoleV2: role() })).toEqual([
      `${STACK} Machine (AWS::StepFunctions::StateMachine): its role changes from ${STACK} MachineRole to ${STACK} MachineRoleV2: running executions keep the role they started with, which the deploy deletes`,
      `${STACK} MachineRole (AWS::IAM::Role): removed: the deploy deletes it (a changed logical id or a removed resource)`,
    ]);
    expect(breaking(before, { ...before, MachineRole: role({ RoleName: 'goldsmith-prod-machine' }) })).toEqual([
      expect.stringContaining(`${STACK} MachineRole (AWS::IAM::Role): RoleName changes: CloudFormation replaces`),
    ]);
    // The policy the role holds may change: an update in place.
    expect(breaking(before, { ...before, MachineRole: role({ Description: 'new' }) })).toEqual([]);
  });

  it("records each state machine's role in the newest release", () => {
    const promotion = newestRelease().stacks[STACK] ?? {};
    const roles = Object.values(promotion)
      .filter((r) => r.type === 'AWS::StepFunctions::StateMachine')
      .map((r) => r.role)
      .sort();
    expect(roles).toEqual([
      expect.stringMatching(/^prod-goldsmith-Promotion PromotionStateMachineRole/),
      expect.stringMatching(/^prod-goldsmith-Promotion RolloutStateMachineRole/),
    ]);
  });

  it("refuses a change to a KMS key's KeySpec, KeyUsage, Origin or MultiRegion (CloudFormation fails the update)", () => {
    const before = { Key: key() };
    expect(breaking(before, { Key: key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }) })).toEqual([
      `${STACK} Key (AWS::KMS::Key): KeySpec, KeyUsage changes: CloudFormation fails the update (a key's immutable properties: "the update request fails, regardless of the value of the UpdateReplacePolicy attribute")`,
    ]);
    expect(breaking(before, { Key: key({ MultiRegion: true }) })).toEqual([
      expect.stringContaining('Key (AWS::KMS::Key): MultiRegion changes'),
    ]);
    expect(breaking({ Key: key({ Origin: 'EXTERNAL' }) }, { Key: key() })).toEqual([
      expect.stringContaining('Key (AWS::KMS::Key): Origin changes'),
    ]);
    // Writing out a default changes nothing.
    expect(breaking(before, { Key: key({ KeySpec: 'SYMMETRIC_DEFAULT', MultiRegion: false }) })).toEqual([]);
  });

  it('refuses a Condition on a state machine or topic, naming the resource and the condition', () => {
    const topic = { Type: 'AWS::SNS::Topic', Properties: {} };
    const before = { Machine: machine('MachineRole'), MachineRole: role(), Topic: topic };
    const conditioned = {
      Machine: { ...machine('MachineRole'), Condition: 'IsProd' },
      MachineRole: role(),
      Topic: { ...topic, Condition: 'HasAlerts' },
    };
    expect(breaking(before, conditioned)).toEqual([
      `${STACK} Machine (AWS::StepFunctions::StateMachine): Condition "IsProd": any deploy where it evaluates false deletes the resource; the release check refuses conditions on stateful resources`,
      `${STACK} Topic (AWS::SNS::Topic): Condition "HasAlerts": any deploy where it evaluates false deletes the resource; the release check refuses conditions on stateful resources`,
    ]);
    // The role a state machine holds is pinned: a condition on it is refused too.
    expect(breaking(before, { ...before, MachineRole: { ...role(), Condition: 'IsProd' } })).toEqual([
      expect.stringContaining(`${STACK} MachineRole (AWS::IAM::Role): Condition "IsProd"`),
    ]);
  });

  it('refuses a state machine whose role is an Fn::If, and pins both of its roles', () => {
    const before = { Machine: machine('R1'), R1: role() };
    const swapped = {
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          DefinitionString: '{}',
          RoleArn: { 'Fn::If': ['UseNew', { 'Fn::GetAtt': ['R2', 'Arn'] }, { 'Fn::GetAtt': ['R1', 'Arn'] }] },
        },
      },
      R1: role(),
      R2: role(),
    };
    expect(breaking(before, swapped)).toEqual([
      `${STACK} Machine (AWS::StepFunctions::StateMachine): its RoleArn is an Fn::If: a deploy that flips the condition swaps the role under running executions; the release check refuses conditions on stateful resources`,
    ]);
    expect(Object.keys(statefulInventory(templates(swapped))[STACK] ?? {}).sort()).toEqual(['Machine', 'R1', 'R2']);
    // A name picked by a condition is refused as well.
    const queue = (name: unknown) => ({ Type: 'AWS::SQS::Queue', Properties: { QueueName: name }, ...retained });
    expect(breaking({ Q: queue('q') }, { Q: queue({ 'Fn::If': ['IsProd', 'q', 'q-test'] }) })).toEqual([
      expect.stringContaining('Q (AWS::SQS::Queue): QueueName changes: CloudFormation replaces'),
      expect.stringContaining(`${STACK} Q (AWS::SQS::Queue): its name (QueueName) is an Fn::If`),
    ]);
  });

  it('reads a name built from a template parameter as fixed: a retained addition named by it is refused', () => {
    const parameterized = (resources: Resources): StackTemplate[] =>
      templates(resources).map(({ stack, template }) => ({
        stack,
        template: { ...template, Parameters: { Stage: { Type: 'String', Default: 'prod' } } },
      }));
    const before = { Existing: group('goldsmith-prod-existing') };
    const added = { ...before, Added: group({ 'Fn::Join': ['', ['/x/', { Ref: 'Stage' }]] }) };
    expect(
      compareStateful(statefulInventory(parameterized(before)), statefulInventory(parameterized(added)))
        .filter((c) => c.breaking)
        .map(describeChange),
    ).toEqual([
      expect.stringContaining(
        `${STACK} Added (AWS::Scheduler::ScheduleGroup): new, DeletionPolicy Retain and the fixed name "/x/\${Stage}"`,
      ),
    ]);
    const parameters = new Set(['Stage']);
    expect(fixedName({ 'Fn::Sub': `goldsmith-\${Stage}` }, parameters)).toBe(`goldsmith-\${Stage}`);
    // A Ref to something that is not a parameter (another resource) still names nothing fixed.
    expect(fixedName({ 'Fn::Join': ['', ['/x/', { Ref: 'Queue' }]] }, parameters)).toBeUndefined();
  });

  it('finds no Condition or Fn::If on the stateful or pinned resources of the templates Goldsmith synthesizes', async () => {
    const stacks = await synthesized();
    const inventory = statefulInventory(stacks);
    const conditional = Object.entries(inventory).flatMap(([stack, resources]) =>
      Object.entries(resources)
        .filter(([, r]) => r.conditional !== undefined)
        .map(([id]) => `${stack} ${id}`),
    );
    expect(conditional).toEqual([]);
    // No resource of any stack carries a Condition (the stacks declare no Conditions): refusing them costs nothing.
    const withCondition = stacks.flatMap(({ stack, template }) =>
      Object.entries((template.Resources ?? {}) as Resources)
        .filter(([, r]) => r.Condition !== undefined)
        .map(([id]) => `${stack} ${id}`),
    );
    expect(withCondition).toEqual([]);
  }, 120_000);
});
