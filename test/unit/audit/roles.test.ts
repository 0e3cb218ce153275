import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../core/audit/role-documents.js';
import {
  type ExpectedRole,
  expectedRolesFrom,
  type HeldRole,
  roleDrift,
  roleDriftSk,
  roleRecordFrom,
  roleRepairs,
} from '../../../core/audit/roles.js';

const ACCOUNT = '123456789012';
const NAME = 'prod-goldsmith-Promotion-PublishRole-AbC';
const ARN = `arn:aws:iam::${ACCOUNT}:role/${NAME}`;
const PATH = '/goldsmith/_roles/prod/';
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const LEDGER = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`;
const STATEMENTS = [
  { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: LEDGER },
  { Effect: 'Allow', Action: 'ssm:PutParameter', Resource: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/goldsmith/*`] },
];

/** The role as the stacks record it: the role, and its default policy in two parts. */
function expected(): ExpectedRole {
  const records = [
    roleRecordFrom(
      `${PATH}PublishRole`,
      JSON.stringify({ kind: 'role', name: NAME, arn: ARN, trust: TRUST, managed: [] }),
    ),
    // Parts arrive in any order (GetParametersByPath's); the document is their statements in part order.
    roleRecordFrom(
      `${PATH}PublishRoleDefaultPolicy-1`,
      JSON.stringify({ kind: 'policy', roles: [NAME], policy: 'Default', part: 1, statements: [STATEMENTS[1]] }),
    ),
    roleRecordFrom(
      `${PATH}PublishRoleDefaultPolicy-0`,
      JSON.stringify({
        kind: 'policy',
        roles: [NAME],
        policy: 'Default',
        part: 0,
        version: '2012-10-17',
        statements: [STATEMENTS[0]],
      }),
    ),
    // A policy on a role of no record (not Goldsmith's to audit).
    roleRecordFrom(`${PATH}Other-0`, JSON.stringify({ kind: 'policy', roles: ['other'], policy: 'X', statements: [] })),
  ];
  const [role] = expectedRolesFrom(records);
  if (!role) throw new Error('no role');
  return role;
}

/** The role as IAM holds it, written otherwise than recorded but meaning the same. */
function held(): HeldRole {
  return {
    // One action and one service as lists of one, the elements in another order.
    trust: {
      Version: '2012-10-17',
      Statement: [{ Action: ['sts:AssumeRole'], Principal: { Service: ['lambda.amazonaws.com'] }, Effect: 'Allow' }],
    },
    inline: {
      Default: {
        Version: '2012-10-17',
        // Statement order, action order and case, a single resource as a list.
        Statement: [
          {
            Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/goldsmith/*`,
            Action: 'SSM:PutParameter',
            Effect: 'Allow',
          },
          { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: [LEDGER] },
        ],
      },
    },
    managed: [],
  };
}

describe("a Goldsmith role against the deployment's record", () => {
  it('finds nothing where IAM holds the same policies written otherwise (order, lists of one, case of actions)', () => {
    expect(roleDrift(held(), expected())).toEqual([]);
  });

  it('names an inline policy added and what it allows, and the command that removes it', () => {
    const h = held();
    h.inline.Mallory = { Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 's3:*'], Resource: '*' }] };

    expect(roleDrift(h, expected())).toEqual(['inline policy Mallory added (Allow iam:PassRole, s3:* on *)']);
    expect(roleRepairs(h, expected(), PATH)).toEqual([
      `aws iam delete-role-policy --role-name ${NAME} --policy-name Mallory`,
    ]);
  });

  it('names a statement added to the deployment’s policy, a widened trust, a managed policy attached, a boundary removed', () => {
    const h = held();
    h.inline.Default?.Statement.push({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' });
    h.trust.Statement.push({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' });
    h.managed.push('arn:aws:iam::aws:policy/AdministratorAccess');
    const w = { ...expected(), boundary: `arn:aws:iam::${ACCOUNT}:policy/goldsmith-boundary` };

    const drift = roleDrift(h, w);

    expect(drift).toEqual([
      'trust policy changed (statement added: Allow sts:AssumeRole to {"AWS":"111122223333"})',
      'inline policy Default changed (statement added: Allow kms:Decrypt on *)',
      'managed policy arn:aws:iam::aws:policy/AdministratorAccess attached',
      `permissions boundary (none) instead of arn:aws:iam::${ACCOUNT}:policy/goldsmith-boundary`,
    ]);
    expect(roleRepairs(h, w, PATH)).toEqual([
      expect.stringMatching(/^aws iam update-assume-role-policy --role-name /),
      expect.stringMatching(/^aws iam put-role-policy --role-name .* --policy-name Default /),
      `aws iam detach-role-policy --role-name ${NAME} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`,
      `aws iam put-role-permissions-boundary --role-name ${NAME} --permissions-boundary arn:aws:iam::${ACCOUNT}:policy/goldsmith-boundary`,
    ]);
    // The same change found again the same day is the same record; another change is another.
    const day = new Date('2027-02-10T01:15:00Z');
    expect(roleDriftSk(NAME, drift, day)).toBe(roleDriftSk(NAME, drift, new Date('2027-02-10T13:00:00Z')));
    expect(roleDriftSk(NAME, drift, day)).not.toBe(roleDriftSk(NAME, drift.slice(1), day));
  });

  it("names a policy removed and a statement taken out of one (the deployment's own, as an attacker might narrow it)", () => {
    const h = held();
    const narrowed = held().inline.Default?.Statement.slice(0, 1) ?? [];
    h.inline = { Default: { Version: '2012-10-17', Statement: narrowed } };
    expect(roleDrift(h, expected())).toEqual([
      `inline policy Default changed (statement removed: Allow dynamodb:GetItem, dynamodb:PutItem on ${LEDGER})`,
    ]);
    h.inline = {};
    expect(roleDrift(h, expected())).toEqual(['inline policy Default removed']);
  });

  it('refuses a malformed record, naming the parameter and the field', () => {
    expect(() => roleRecordFrom(`${PATH}X`, '{')).toThrow(`${PATH}X: not JSON`);
    expect(() => roleRecordFrom(`${PATH}X`, JSON.stringify({ kind: 'role', arn: ARN, trust: TRUST }))).toThrow(
      `${PATH}X: name is missing`,
    );
    expect(() => roleRecordFrom(`${PATH}X`, JSON.stringify({ kind: 'role', name: NAME, arn: ARN }))).toThrow(
      `${PATH}X: trust: Statement is missing`,
    );
    expect(() => roleRecordFrom(`${PATH}X`, JSON.stringify({ kind: 'door' }))).toThrow('kind must be role');
  });

  it('splits a document into parts of about equal size, in order, the last ones empty when there is less', () => {
    const statements = Array.from({ length: 6 }, (_, i) => ({
      Sid: `S${i}`,
      Action: 'a:b',
      Resource: 'x'.repeat(100),
    }));
    const parts = splitStatements(statements, 3);
    expect(parts.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(parts.flat()).toEqual(statements);
    expect(splitStatements(statements.slice(0, 1), 3)).toEqual([[statements[0]], [], []]);
  });
});
