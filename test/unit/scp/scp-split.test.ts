import { describe, expect, it } from 'vitest';
import { goldsmithScp, readablePart, SCP_MAX_CHARACTERS, splitScp } from '../../../core/scp/split.js';
import { scpStatementSpecs, statementJson } from '../../../core/scp/statements.js';

const options = (stage: string) => ({ stage, account: '200000000001', deployer: 'deploy', keyRotator: 'rotate' });

describe('the SCP split to fit Organizations size quota', () => {
  it.each(['prod', 'production-eu', 'production-eu-west-1'])(
    'packs stage %s into as few parts as fit 5,120 characters minified, every statement once, in order',
    (stage) => {
      const specs = scpStatementSpecs(options(stage));
      const parts = goldsmithScp(options(stage));
      const total = JSON.stringify({ Version: '2012-10-17', Statement: specs.map(statementJson) }).length;
      expect(total).toBeGreaterThan(SCP_MAX_CHARACTERS);
      for (const part of parts) {
        expect(part.content.length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
        expect(part.content).toBe(JSON.stringify(part.document));
        expect(JSON.parse(readablePart(part))).toEqual(part.document);
      }
      expect(parts).toHaveLength(Math.ceil(total / SCP_MAX_CHARACTERS));
      expect(parts.flatMap((p) => p.sids)).toEqual(specs.map((s) => s.sid));
      expect(parts.map((p) => p.name)).toEqual(parts.map((_, i) => `goldsmith-${stage}-scp-${i + 1}`));
    },
  );

  it('refuses a statement that alone exceeds the quota, naming it', () => {
    const specs = scpStatementSpecs(options('prod'));
    expect(() => splitScp(specs, 'prod', 600)).toThrow(/^statement \w+ alone is \d+ characters, over 600$/);
  });

  it('writes the account it is given into the exemptions, and the stage into the resources', () => {
    const text = goldsmithScp(options('dev'))
      .map((p) => p.content)
      .join('');
    expect(text).toContain('arn:aws:iam::200000000001:role/dev-goldsmith-*');
    expect(text).toContain('arn:aws:iam::200000000001:role/deploy');
    expect(text).toContain('table/goldsmith-dev-*');
    expect(text).not.toContain('prod');
  });
});
