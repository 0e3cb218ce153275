import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberBaselineChecks, STACKSETS_PRINCIPAL } from '../../../aws/preflight/preflight-stacksets.js';
import type { Catalog } from '../../../core/config/schema.js';
import { mockClient } from '../../helpers/mock-client.js';
import { preflightCatalog } from './preflight-catalog.js';

const orgs = mockClient(OrganizationsClient);
const FACTORY = '111122223333';
const MANAGEMENT = '999988887777';

function catalog(memberBaseline: Record<string, unknown> = {}): Catalog {
  return preflightCatalog(
    [
      { name: 'dev', targets: { ous: ['ou-ab12-dev00001'] } },
      { name: 'prod', targets: { accounts: ['444455556666'] } },
    ],
    { memberBaseline },
  );
}

const statusOf = async (c: Catalog, account = FACTORY) =>
  Object.fromEntries((await memberBaselineChecks(c, account, 'eu-west-1')).map((x) => [x.name, x]));

describe('the member baseline preflight', () => {
  beforeEach(() => {
    orgs
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: 'o-a1b2c3d4e5', MasterAccountId: MANAGEMENT } });
    orgs.on(ListAWSServiceAccessForOrganizationCommand).resolves({
      EnabledServicePrincipals: [{ ServicePrincipal: 'ram.amazonaws.com' }, { ServicePrincipal: STACKSETS_PRINCIPAL }],
    });
    orgs
      .on(ListDelegatedAdministratorsCommand, { ServicePrincipal: STACKSETS_PRINCIPAL })
      .resolves({ DelegatedAdministrators: [{ Id: FACTORY }] });
  });
  afterEach(() => orgs.reset());

  it('passes a delegated administrator with trusted access, and says who gets no instance', async () => {
    const checks = await statusOf(catalog());
    expect(Object.values(checks).map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    expect(checks['member baseline targets']?.detail).toContain(
      `the management account ${MANAGEMENT} gets no instance`,
    );
    expect(checks['member baseline targets']?.detail).toContain('channels prod also share beyond OUs');
  });

  it('says how to activate trusted access when it is off', async () => {
    orgs.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });
    const checks = await statusOf(catalog());
    expect(checks['StackSets trusted access']).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('aws cloudformation activate-organizations-access'),
    });
  });

  it('says how to register the factory account when it is not a delegated administrator', async () => {
    orgs.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: '123412341234' }] });
    const checks = await statusOf(catalog());
    expect(checks['member baseline (StackSets)']).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining(`register-delegated-administrator --service-principal ${STACKSETS_PRINCIPAL}`),
    });
  });

  it('refuses callAs DELEGATED_ADMIN from the management account, and SELF from a member', async () => {
    expect((await statusOf(catalog(), MANAGEMENT))['member baseline (StackSets)']?.detail).toContain('callAs to SELF');
    expect((await statusOf(catalog({ callAs: 'SELF' }), MANAGEMENT))['member baseline (StackSets)']?.status).toBe('ok');
    expect((await statusOf(catalog({ callAs: 'SELF' })))['member baseline (StackSets)']?.status).toBe('missing');
  });

  it('checks nothing when the baseline is off', async () => {
    const checks = await memberBaselineChecks(catalog({ enabled: false }), FACTORY, 'eu-west-1');
    expect(checks).toEqual([
      { name: 'member baseline (StackSets)', status: 'ok', detail: expect.stringContaining('off') },
    ]);
    expect(orgs.calls()).toHaveLength(0);
  });
});
