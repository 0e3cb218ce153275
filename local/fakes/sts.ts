import { STSServiceException } from '@aws-sdk/client-sts';
import { DEFAULT_DEPLOYER } from '../../core/scp/roles.js';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError, required } from './common.js';
import type { MemberAccess } from './member-access.js';

const stsErr = errorFactory(STSServiceException);

/**
 * STS: a fixed caller identity (a session of the deployer role) and AssumeRole. A role the member accounts define (`MemberAccess`) is assumed only as
 * its trust policy and the caller's policies allow, and its credentials act in that account; a role another account
 * of the organization does not hold is refused (AccessDenied); a role ARN in the local cloud's own account or outside
 * the organization gets credentials the fakes treat as the local cloud's own.
 */
export class StsFake implements FakeService {
  /** Roles in member accounts and the sessions issued for them (set by whoever defines the roles). */
  access: MemberAccess | undefined;

  constructor(private readonly accountId: string) {}

  handle(call: FakeCall): unknown {
    switch (call.action) {
      case 'GetCallerIdentity':
        // The local cloud's caller deploys as docs/deploy.md asks: a session of the deployer role (`goldsmith scp`'s
        // default), as GetCallerIdentity answers for a role session
        // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
        return {
          UserId: 'AROALOCALGOLDSMITH:goldsmith-local',
          Account: this.accountId,
          Arn: `arn:aws:sts::${this.accountId}:assumed-role/${DEFAULT_DEPLOYER}/goldsmith-local`,
        };
      case 'AssumeRole': {
        const role = required(call.input, 'RoleArn', (m) => stsErr('ValidationError', m));
        const session = required(call.input, 'RoleSessionName', (m) => stsErr('ValidationError', m));
        const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(.+)$/.exec(role);
        if (!m) throw stsErr('ValidationError', `${role} is not a valid role ARN`);
        // A role in another account of the organization that its member accounts do not hold does not exist there:
        // AssumeRole is AccessDenied (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
        const account = m[1] ?? '';
        const member = account !== this.accountId && this.access?.inOrganization(account);
        if (this.access && (this.access.knows(role) || member)) {
          return this.assumeMemberRole(this.access, call, role, session);
        }
        return {
          Credentials: {
            AccessKeyId: 'ASIALOCAL',
            SecretAccessKey: 'local',
            SessionToken: 'local',
            Expiration: new Date(Date.UTC(2100, 0)),
          },
          AssumedRoleUser: {
            AssumedRoleId: `AROALOCAL:${session}`,
            Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${session}`,
          },
        };
      }
      default:
        throw new NotImplementedByFakeError('sts', call.action);
    }
  }

  private async assumeMemberRole(access: MemberAccess, call: FakeCall, role: string, name: string): Promise<unknown> {
    const caller = call.principal ?? `arn:aws:iam::${this.accountId}:user/goldsmith-local`;
    const session = await access.assume(caller, role, name);
    if ('code' in session) throw stsErr(session.code, session.message, 403);
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: 'local',
        SessionToken: `local-${session.accessKeyId}`,
        Expiration: new Date(Date.UTC(2100, 0)),
      },
      AssumedRoleUser: { AssumedRoleId: `AROALOCAL:${name}`, Arn: session.arn },
    };
  }
}
