import { ListDelegatedAdministratorsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { INSPECTOR_PRINCIPAL, inspectorAdministratorCheck } from '../../../aws/preflight/preflight-inspector.js';
import { mockClient } from '../../helpers/mock-client.js';
import { preflightCatalog } from './preflight-catalog.js';

const orgs = mockClient(OrganizationsClient);
const FACTORY = '111122223333';
const SECURITY = '444455556666';
const channels = [{ name: 'dev', targets: { organization: true } }];

/** Organizations names `admin` (or nobody) Inspector's delegated administrator. */
const designated = (admin?: string) =>
  orgs
    .on(ListDelegatedAdministratorsCommand, { ServicePrincipal: INSPECTOR_PRINCIPAL })
    .resolves({ DelegatedAdministrators: admin ? [{ Id: admin }] : [] });

afterEach(() => orgs.reset());

describe("the preflight of Inspector's delegated administrator", () => {
  it('passes the factory as administrator when the catalog names none, and the security account it names', async () => {
    designated(FACTORY);
    expect(await inspectorAdministratorCheck(preflightCatalog(channels), FACTORY)).toMatchObject({ status: 'ok' });
    orgs.reset();
    designated(SECURITY);
    const security = await inspectorAdministratorCheck(
      preflightCatalog(channels, { inspectorAdministrator: SECURITY }),
      FACTORY,
    );
    expect(security).toMatchObject({ status: 'ok' });
    expect(security.detail).toContain('goldsmith-<stage>-inspector-findings');
  });

  it('says which field to set when the organization designated another account than the catalog expects', async () => {
    designated(SECURITY);
    const check = await inspectorAdministratorCheck(preflightCatalog(channels), FACTORY);
    expect(check).toMatchObject({ status: 'missing' });
    expect(check.detail).toContain(`set organization.inspectorAdministrator to ${SECURITY}`);

    orgs.reset();
    designated(FACTORY);
    const named = await inspectorAdministratorCheck(
      preflightCatalog(channels, { inspectorAdministrator: SECURITY }),
      FACTORY,
    );
    expect(named.detail).toContain('leave organization.inspectorAdministrator out of the catalog');
  });

  it('names the command when none is designated, and says so when it cannot look', async () => {
    designated();
    const none = await inspectorAdministratorCheck(preflightCatalog(channels), FACTORY);
    expect(none).toMatchObject({ status: 'missing' });
    expect(none.detail).toContain(`enable-delegated-admin-account --delegated-admin-account-id ${FACTORY}`);

    orgs.reset();
    orgs
      .on(ListDelegatedAdministratorsCommand)
      .rejects(Object.assign(new Error('not a delegated administrator'), { name: 'AccessDeniedException' }));
    expect(await inspectorAdministratorCheck(preflightCatalog(channels), FACTORY)).toMatchObject({
      status: 'not checked',
    });
  });
});
