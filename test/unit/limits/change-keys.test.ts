import { describe, expect, it } from 'vitest';
import { changeKeyProblem } from '../../../core/limits/input-bounds.js';

// `INTENT#<time>#<id>` with this 20-character time: 28 bytes besides the id.
const TIME = '2027-03-02T10:00:00Z';
// `DECISION#<longest time>#<key>#9` (the last re-delivery one instant holds): 41 bytes besides the dedupe key;
// `CHANGE#<key>`: 7.

describe('changeKeyProblem: the keys a change is written under', () => {
  it('takes an intent key of exactly 1,024 bytes and refuses one more, naming the change cut to 120 characters', () => {
    expect(changeKeyProblem({ time: TIME, id: 'i'.repeat(996) }, [])).toBeUndefined();
    expect(changeKeyProblem({ time: TIME, id: 'i'.repeat(997) }, [])).toBe(
      `change ${'i'.repeat(120)}…: the intent key would be 1025 bytes, over DynamoDB's 1024`,
    );
  });

  it('checks the decision key of every image the change affects, after a short intent key', () => {
    expect(changeKeyProblem({ time: TIME, id: 'c' }, ['a', 'k'.repeat(983)])).toBeUndefined();
    expect(changeKeyProblem({ time: TIME, id: 'c' }, ['a', 'k'.repeat(984)])).toBe(
      "change c…: the decision key would be 1025 bytes, over DynamoDB's 1024",
    );
  });

  it("names the dedupe marker's partition key first when it is over 2,048 bytes too", () => {
    expect(changeKeyProblem({ time: TIME, id: 'c' }, ['k'.repeat(2042)])).toBe(
      "change c…: the dedupe marker key would be 2049 bytes, over DynamoDB's 2048",
    );
  });
});
