import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { authorizeOperatorRequest } from '../../../core/trust/operator-access.js';
import type { OperatorRequest } from '../../../events/operator-request.js';

const OPERATORS = 'arn:aws:iam::123456789012:role/goldsmith-prod-operators';
const session = (role: string, name: string) => `arn:aws:sts::123456789012:assumed-role/${role}/${name}`;
const operator = session('goldsmith-prod-operators', 'bob');
const alice = session('ops-lead', 'alice');

// `base` is published on every channel of the catalog; `edge` lists its own channels, `canary` only.
const catalog = {
  images: { base: { channels: undefined }, edge: { channels: ['canary'] } },
  channels: [
    { name: 'canary', approval: { approvers: ['ops-lead'], timeout: '1d' } },
    { name: 'dev', approval: undefined },
    { name: 'prod', approval: { approvers: ['security-reviewer', 'ops-lead'], timeout: '3d' } },
  ],
  access: {
    ci: [],
    operators: [],
    approvers: {
      'ops-lead': ['arn:aws:iam::123456789012:role/ops-lead'],
      'security-reviewer': ['arn:aws:iam::123456789012:role/ops-lead'],
    },
  },
} as unknown as Catalog;

const decide = (request: OperatorRequest, caller: string) =>
  authorizeOperatorRequest(catalog, request, caller, OPERATORS);

describe('authorizeOperatorRequest: the image and channel must exist', () => {
  it('refuses an unknown image with 404, naming it, whoever asks', () => {
    expect(decide({ action: 'approve', image: 'nope', channel: 'prod' }, alice)).toEqual({
      ok: false,
      status: 404,
      error: 'unknown image "nope"',
    });
  });

  it("checks the channel against the image's own channels when it lists them", () => {
    expect(decide({ action: 'promote', image: 'edge', channel: 'prod' }, operator)).toEqual({
      ok: false,
      status: 404,
      error: 'image edge has no channel "prod"',
    });
    expect(decide({ action: 'promote', image: 'edge', channel: 'canary' }, operator)).toEqual({
      ok: true,
      actor: operator,
    });
  });

  it("checks the channel against the catalog's channels when the image lists none", () => {
    expect(decide({ action: 'rollback', image: 'base', channel: 'prod' }, operator)).toEqual({
      ok: true,
      actor: operator,
    });
    expect(decide({ action: 'rollback', image: 'base', channel: 'qa' }, operator)).toEqual({
      ok: false,
      status: 404,
      error: 'image base has no channel "qa"',
    });
  });

  it('refuses an unknown channel before asking who the caller is', () => {
    expect(decide({ action: 'approve', image: 'edge', channel: 'dev' }, alice)).toMatchObject({ status: 404 });
  });

  it('lets an action without a channel through to the role check', () => {
    expect(decide({ action: 'build', image: 'edge' }, operator)).toEqual({ ok: true, actor: operator });
  });
});

describe('authorizeOperatorRequest: approve and reject', () => {
  it('lets an approver reject as well as approve, acting under its first approver name of that channel', () => {
    expect(decide({ action: 'reject', image: 'base', channel: 'prod', reason: 'not yet' }, alice)).toEqual({
      ok: true,
      actor: 'security-reviewer',
    });
    expect(decide({ action: 'approve', image: 'edge', channel: 'canary' }, alice)).toEqual({
      ok: true,
      actor: 'ops-lead',
    });
  });

  it("refuses the operators' role a reject, with 403 and who is not an approver of what", () => {
    expect(decide({ action: 'reject', image: 'base', channel: 'prod', reason: 'not yet' }, operator)).toEqual({
      ok: false,
      status: 403,
      error: `${operator} is not an approver of base prod: approvers are security-reviewer, ops-lead`,
    });
  });

  it('refuses an approval on a channel that asks for none', () => {
    expect(decide({ action: 'approve', image: 'base', channel: 'dev' }, alice)).toEqual({
      ok: false,
      status: 403,
      error: `${alice} is not an approver of base dev: it asks nobody for approval`,
    });
  });
});

describe("authorizeOperatorRequest: every other action needs the operators' role", () => {
  it('refuses an approver a promotion, naming the action and the caller', () => {
    expect(decide({ action: 'promote', image: 'base', channel: 'prod' }, alice)).toEqual({
      ok: false,
      status: 403,
      error: `promote needs Goldsmith's operators' role; ${alice} is not a session of it`,
    });
  });

  it("acts as the caller's own ARN, not a name", () => {
    expect(
      decide({ action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'CVE' } as OperatorRequest, operator),
    ).toEqual({
      ok: true,
      actor: operator,
    });
  });
});
