import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { type StackFunction, type Synthesized, synthesize } from './helpers.js';

interface Raw {
  Type: string;
  Properties?: Record<string, unknown>;
}

let synth: Synthesized;

/** Every resource of every stack, by stack name and logical id. */
function everyResource(s: Synthesized): { stack: string; id: string; resource: Raw }[] {
  return [...s.templates].flatMap(([fn, template]) =>
    Object.entries(template.toJSON().Resources as Record<string, Raw>).map(([id, resource]) => ({
      stack: fn.name,
      id,
      resource,
    })),
  );
}

beforeAll(async () => {
  synth = await synthesize(
    { ...exampleCatalog, monitoring: { staleChannelAfter: '45d', logRetentionDays: 90 } },
    { stacks: [...GOLDSMITH_STACKS] as StackFunction[] },
  );
}, 180_000);

describe("every function's logs", () => {
  it('go to its own log group, kept as long as the catalog says', () => {
    const all = everyResource(synth);
    const functions = all.filter((r) => r.resource.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(20);
    for (const { stack, id, resource } of functions) {
      const config = resource.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined;
      const groupId = config?.LogGroup?.Ref;
      expect(groupId, `${stack}/${id} names no log group of its own`).toBeDefined();
      const group = all.find((r) => r.stack === stack && r.id === groupId);
      expect(group?.resource).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
      // No other function writes to the same group.
      const sharing = functions.filter(
        (f) => (f.resource.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } })?.LogGroup?.Ref === groupId,
      );
      expect(sharing.filter((f) => f.stack === stack)).toHaveLength(1);
    }
    // The state machine's log group keeps the same retention.
    const groups = all.filter((r) => r.resource.Type === 'AWS::Logs::LogGroup');
    expect(groups.every((g) => g.resource.Properties?.RetentionInDays === 90)).toBe(true);
  });

  it('may be written by its role to its own group only, and no role holds AWSLambdaBasicExecutionRole', () => {
    const all = everyResource(synth);
    const text = JSON.stringify(all);
    expect(text).not.toContain('AWSLambdaBasicExecutionRole');
    const logStatements = all
      .filter((r) => r.resource.Type === 'AWS::IAM::Policy')
      .flatMap((r) => {
        const doc = r.resource.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] };
        // Statements that write log events (the state machine's role holds CloudWatch Logs' delivery actions besides).
        return doc.Statement.filter((st) => JSON.stringify(st.Action).includes('"logs:PutLogEvents"'));
      });
    expect(logStatements.length).toBeGreaterThan(20);
    for (const st of logStatements) {
      expect(st.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      // One log group's ARN, never a wildcard.
      expect(st.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Logs[0-9A-F]{8}$/), 'Arn'] });
    }
  });

  it('refuses a retention CloudWatch Logs does not offer, naming the field', async () => {
    await expect(
      synthesize(
        // As a user's JSON catalog would have it: 100 is not a period CloudWatch Logs offers.
        JSON.parse(
          JSON.stringify({ ...exampleCatalog, monitoring: { staleChannelAfter: '45d', logRetentionDays: 100 } }),
        ),
        { stacks: [...GOLDSMITH_STACKS] as StackFunction[] },
      ),
    ).rejects.toThrow(/monitoring\.logRetentionDays.*must be one of CloudWatch Logs' retention periods/s);
  });
});
