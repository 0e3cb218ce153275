// The shape of the service control policy's statements (core/scp/statements.ts and deployment-statements.ts write them).

/** Context keys of a request besides the principal. */
export type ScpContext = Readonly<Record<string, string | readonly string[]>>;

/** One Deny statement and the requests it must refuse to every principal but the ones it exempts. */
export interface ScpStatementSpec {
  sid: string;
  actions: readonly string[];
  /** `Resource` patterns; absent with `notResources`. */
  resources?: readonly string[];
  /** `NotResource` patterns: the statement denies on everything else. */
  notResources?: readonly string[];
  /** Conditions besides the exemption (`ArnNotLike aws:PrincipalArn`). */
  conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** The principals exempted (`aws:PrincipalArn` patterns); empty: nobody. */
  exempt: readonly string[];
  /** Resources named as the stacks name them, with the context an outsider's request carries. */
  samples: readonly { resource: string; context?: ScpContext }[];
}

/** A request an outsider (or Goldsmith) would send, which the SCP must deny (or allow): preflight's unit of check. */
export interface ScpRequirement {
  /** The statement's `Sid`. */
  statement: string;
  action: string;
  resource: string;
  /** Context keys of the request besides the principal (tags, the role a stack is given). */
  context?: ScpContext;
}
