import * as organizations from '@aws-sdk/client-organizations';
import { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import { modelsFor, type ServiceModels } from '../../../local/models/load.js';
import { checkAgainstModel } from '../../../local/models/validate.js';
import type { Direction, SdkSchema } from '../../../local/models/validate-context.js';

/** A small service in both models' forms, with one member of every kind the check knows. */
const LAB: ServiceModels = {
  source: 'test',
  api: {
    metadata: { serviceId: 'Lab', apiVersion: '2026-01-01' },
    operations: { Put: { input: { shape: 'PutInput' }, output: { shape: 'PutOutput' } }, Bare: {} },
    shapes: {
      PutInput: {
        type: 'structure',
        required: ['Name', 'Token'],
        members: {
          Name: { shape: 'Name' },
          Token: { shape: 'Name', idempotencyToken: true },
          Count: { type: 'integer' },
          Ratio: { type: 'double' },
          Flag: { type: 'boolean' },
          At: { type: 'timestamp' },
          Body: { type: 'blob' },
          Names: { type: 'list', member: { shape: 'Name' } },
          Tags: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Name' } },
          Choice: { shape: 'Choice' },
          Kind: { shape: 'Kind' },
          Many: { shape: 'Many' },
          Doc: { type: 'structure', document: true },
        },
      },
      Name: { type: 'string' },
      Kind: { type: 'string' },
      Many: { type: 'string' },
      Choice: { type: 'structure', union: true, members: { A: { type: 'string' }, B: { type: 'string' } } },
      PutOutput: {
        type: 'structure',
        members: {
          Name: { shape: 'Name' },
          Kind: { shape: 'Kind' },
          Count: { type: 'integer' },
          Names: { type: 'list', member: { shape: 'Name' } },
        },
      },
    },
  },
  constraints: {
    source: 'test',
    serviceId: 'Lab',
    apiVersion: '2026-01-01',
    operations: { Put: { input: 'PutInput', output: 'PutOutput' } },
    shapes: {
      PutInput: {
        type: 'structure',
        members: {
          Name: 'Name',
          Token: 'Name',
          Count: 'Count',
          Ratio: 'Ratio',
          Names: 'Names',
          Tags: 'Tags',
          Kind: 'Kind',
          Many: 'Many',
        },
      },
      PutOutput: { type: 'structure', members: { Name: 'Name', Kind: 'Kind', Count: 'Count', Names: 'Names' } },
      Name: { type: 'string', min: 1, max: 5, pattern: '^[a-z😀]+$' },
      Count: { type: 'integer', min: 1, max: 10 },
      Ratio: { type: 'long', min: 0, max: 1 },
      Names: { type: 'list', member: 'Name', min: 1, max: 2 },
      Tags: { type: 'map', key: 'Name', value: 'Name', max: 1 },
      Kind: { type: 'string', enum: ['one', 'two'] },
      Many: {
        type: 'string',
        enum: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11', 'a12', 'a13'],
      },
    },
  },
};

const found = (operation: string, direction: Direction, value: Record<string, unknown>) =>
  checkAgainstModel(LAB, operation, direction, value).problems.map((p) => `${p.path} ${p.rule}: ${p.message}`);

describe('every kind of violation the model check finds, with its message', () => {
  it('accepts a request that sets what is required (the idempotency token is the SDK’s to fill)', () => {
    expect(found('Put', 'request', { Name: 'abc' })).toEqual([]);
    expect(found('Put', 'request', {})).toEqual(['Name required: required member is missing']);
  });

  it('finds lengths, patterns, types, ranges, sizes, enums, unions and unknown members in a request', () => {
    const problems = found('Put', 'request', {
      Name: 'TOOLONGNAME',
      Count: 1.5,
      Ratio: 7,
      Flag: 'yes',
      At: '2027-01-01',
      Body: 5,
      Names: ['ok', 'x', ''],
      Tags: { '': 'v', k: 'Bad' },
      Choice: { A: 'a', B: 'b' },
      Kind: 'three',
      Many: 'zz',
      Doc: { anything: [1] },
      Extra: 1,
    });
    expect(problems).toEqual([
      'Name length: length 11 is above the maximum 5',
      'Name pattern: "TOOLONGNAME" does not match ^[a-z😀]+$',
      'Count type: 1.5 is not an integer',
      'Ratio range: 7 is above the maximum 1',
      'Flag type: expected a boolean, got a string',
      'At type: expected a Date, got a string',
      'Body type: expected bytes, got a number',
      'Names length: list size 3 is above the maximum 2',
      'Names[2] length: length 0 is below the minimum 1',
      'Names[2] pattern: "" does not match ^[a-z😀]+$',
      'Tags length: map size 2 is above the maximum 1',
      'Tags{} length: length 0 is below the minimum 1',
      'Tags{} pattern: "" does not match ^[a-z😀]+$',
      'Tags.k pattern: "Bad" does not match ^[a-z😀]+$',
      'Choice union: a union takes exactly one member; 2 are set',
      'Kind enum: "three" is not one of one, two',
      'Many enum: "zz" is not one of a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, … (13 values)',
      'Extra member: the model has no member "Extra" here',
    ]);
  });

  it('finds minimums, an invalid Date, an empty union and containers of the wrong type', () => {
    expect(
      found('Put', 'request', {
        Name: '😀😀😀😀😀',
        Count: 0,
        At: new Date(Number.NaN),
        Names: [],
        Choice: {},
        Tags: 'x',
        Body: 'text',
      }),
    ).toEqual([
      'Count range: 0 is below the minimum 1',
      'At type: expected a Date, got a Date',
      'Names length: list size 0 is below the minimum 1',
      'Choice union: a union takes exactly one member; 0 are set',
      'Tags type: expected a map, got a string',
    ]);
    expect(found('Put', 'request', { Name: 7, Names: 'x', Choice: [], Count: '3', Ratio: 0.5, Flag: null })).toEqual([
      'Name type: expected a string, got a number',
      'Names type: expected a list, got a string',
      'Choice type: expected a structure, got an array',
      'Count type: expected a number, got a string',
    ]);
  });

  it('checks a response for members, types and enum values only, whichever direction met the operation first', () => {
    const response = { Name: 'TOOLONG-NAME', Kind: 'three', Count: 50, Names: [], Extra: { a: 1 } };
    expect(found('Put', 'response', response)).toEqual([
      'Kind enum: "three" is not one of one, two',
      'Extra member: the model has no member "Extra" here',
    ]);
    expect(found('Put', 'response', { Count: 2.5, Names: ['', 'a', 'b'] })).toEqual([
      'Count type: 2.5 is not an integer',
    ]);
    // The same operation's request, checked after its response: the request's limits still apply.
    expect(found('Put', 'request', { Name: 'TOOLONG-NAME' })).toEqual([
      'Name length: length 12 is above the maximum 5',
      'Name pattern: "TOOLONG-NAME" does not match ^[a-z😀]+$',
    ]);
  });

  it('refuses members of an operation without input, and an operation the service does not have', () => {
    expect(found('Bare', 'request', { X: undefined, Y: 1 })).toEqual([
      'Y member: Bare has no request members in the model',
    ]);
    expect(found('Bare', 'request', {})).toEqual([]);
    expect(found('Nope', 'request', { Y: 1 })).toEqual([
      '(operation) operation: Nope is not an operation of this service',
    ]);
  });

  it("checks what the model does not have against the SDK's schema given with each call, and only then", () => {
    const models = modelsFor('Organizations')!;
    const sdk = NormalizedSchema.of(organizations.ListAccountsForParent$[5]) as unknown as SdkSchema;
    const value = { Accounts: [{ Id: '111122223333', State: 'ACTIVE' }] };
    const check = (operation: string, schema?: SdkSchema, v: Record<string, unknown> = value) =>
      checkAgainstModel(models, operation, 'response', v, schema);
    expect(check('ListAccountsForParent', sdk)).toEqual({ problems: [], newerThanModel: 1 });
    // The same operation without the SDK's schema: the member the published model lacks is unknown.
    expect(check('ListAccountsForParent').problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'Accounts[0].State member',
    ]);
    // An operation the model lacks is checked against the SDK's schema alone.
    const newer = check('ListAccountsForParentSoon', sdk, { Accounts: [{ Id: '1', Bogus: 1 }] });
    expect(newer).toEqual({
      problems: [
        {
          path: 'Accounts[0].Bogus',
          rule: 'member',
          message: `neither the model nor the SDK's schema has a member "Bogus" here`,
        },
      ],
      newerThanModel: 1,
    });
  });
});
