import { type HeldModelChecks, heldModelChecks, holdModelChecks } from '../models/request-check.js';
import type { LocalCloud } from '../simulator/cloud-types.js';

/**
 * What the run has counted of the requests sent to the local cloud: DynamoDB's requests and request units
 * (`callPlan.dynamo`, the cost) and the requests and responses checked against AWS's models (`apiModel`).
 *
 * The report and its audits read the ledger through Goldsmith's own DynamoDB client once the run has stopped, so
 * those reads are counted too, once, at the end of a straight run. A saved run counts its report's reads before it
 * is saved: its tallies are taken where the run stopped (`talliesOf`, before the report) and put back before the save
 * (`rewindTallies`), so a resumed run counts its saved part's report as a straight run does, not at all, and the
 * resumed report's figures equal the straight run's.
 */
export interface RunTallies {
  dynamo: LocalCloud['dynamoUsage'];
  apiModel: HeldModelChecks;
}

/** A copy of the tallies now. */
export function talliesOf(cloud: LocalCloud): RunTallies {
  return { dynamo: structuredClone(cloud.dynamoUsage), apiModel: heldModelChecks() };
}

/**
 * Puts `tallies` back, in place (the DynamoDB counter keeps its object), as the figures of the run: what was counted
 * since they were taken is not.
 */
export function rewindTallies(cloud: LocalCloud, tallies: RunTallies): void {
  Object.assign(cloud.dynamoUsage, structuredClone(tallies.dynamo));
  holdModelChecks(tallies.apiModel);
}
