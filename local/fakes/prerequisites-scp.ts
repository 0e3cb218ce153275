/**
 * The service control policy the prepared organization attaches to its root: the parts `goldsmith scp` writes for
 * stage `prod` in any account (core/scp/), as docs/security/scp.md shows them. test/unit/preflight/scp.test.ts checks
 * that they pass preflight's check.
 */
import { goldsmithScp } from '../../core/scp/split.js';
import { DEFAULT_DEPLOYER, DEFAULT_KEY_ROTATOR, DOCUMENTED_SINK_SECRETS } from '../../core/scp/statements.js';

/** The parts, in order, each with the policy id the prepared organization gives it (`p-goldsmith01`, …). */
export const GOLDSMITH_SCP_PARTS = goldsmithScp({
  stage: 'prod',
  account: '*',
  deployer: DEFAULT_DEPLOYER,
  keyRotator: DEFAULT_KEY_ROTATOR,
  sinkSecrets: DOCUMENTED_SINK_SECRETS,
}).map((part, i) => ({ ...part, id: `p-goldsmith${String(i + 1).padStart(2, '0')}` }));

/** The id of the attached part that holds statement `sid`. */
export function scpPartIdHolding(sid: string): string {
  const part = GOLDSMITH_SCP_PARTS.find((p) => p.sids.includes(sid));
  if (!part) throw new Error(`no part of the SCP holds ${sid}`);
  return part.id;
}
