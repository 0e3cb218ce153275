import { describe, expect, it } from 'vitest';
import { TaskTokens } from '../../../local/stepfunctions/tokens.js';

describe('task tokens of the local Step Functions', () => {
  const issued = (tokens: TaskTokens, n: number) => Array.from({ length: n }, () => tokens.issue('execution').token);

  it('are the same for one seed in every run, so a saved run and a live run sign the same links', () => {
    expect(issued(new TaskTokens('seed-7'), 3)).toEqual(issued(new TaskTokens('seed-7'), 3));
  });

  it('differ between seeds and within a run', () => {
    const a = issued(new TaskTokens('seed-7'), 3);
    const b = issued(new TaskTokens('seed-8'), 3);
    expect(new Set([...a, ...b]).size).toBe(6);
  });

  it('are random without a seed, as AWS hands them out', () => {
    expect(issued(new TaskTokens(), 2)).not.toEqual(issued(new TaskTokens(), 2));
  });
});
