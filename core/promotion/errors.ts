import { GoldsmithError } from '../errors.js';
import { DECISION_ERRORS } from './outcome.js';

/** The gate said no. Its name is the Step Functions error a Catch routes to a `rejected` outcome. */
export class GateRejectedError extends GoldsmithError {
  constructor(reason: string) {
    super(reason);
    this.name = DECISION_ERRORS.gateRejected;
  }
}

/** News during a soak (new findings over policy, or a revocation): the promotion stops as `aborted`. */
export class SoakAbortedError extends GoldsmithError {
  constructor(reason: string) {
    super(reason);
    this.name = DECISION_ERRORS.soakAborted;
  }
}

/** An approver's recorded rejection, carried over into a resumed promotion: the channel ends as rejected. */
export class ApprovalRejectedError extends GoldsmithError {
  constructor(by: string, reason?: string) {
    super(`rejected by ${by}: ${reason ?? 'no reason given'}`);
    this.name = DECISION_ERRORS.approvalRejected;
  }
}

/** The build was revoked while its promotion ran: the next step stops it, recorded as `aborted`. */
export class RevokedError extends GoldsmithError {
  constructor(reason: string) {
    super(reason);
    this.name = DECISION_ERRORS.revoked;
  }
}

/**
 * The build was made on a revoked parent (revocation flagged it, or its lineage names a revoked ancestor): Gate,
 * SoakCheck and an approval's delivery stop its promotion, recorded as `aborted` with the reason.
 */
export class BuiltOnRevokedError extends GoldsmithError {
  constructor(reason: string) {
    super(reason);
    this.name = DECISION_ERRORS.builtOnRevoked;
  }
}
