import { describe, expect, it } from 'vitest';
import { client } from '../../../aws/clients.js';
import { formatRequestFloor, measureRequestFloor } from '../../../bench/request-floor.js';

describe('the request floor benchmark', () => {
  it('times each kind of request through the SDK to dynalite or a fixed answer, and leaves no client configured', async () => {
    const floor = await measureRequestFloor(20);
    expect(floor.requests).toBe(20);
    for (const kind of ['getItem', 'query', 'putItem', 'other'] as const) {
      expect(floor[kind]).toBeGreaterThan(0);
      expect(floor.cpu[kind]).toBeGreaterThan(0);
    }
    expect(formatRequestFloor(floor)).toMatch(
      /^request floor \(wall per request.*20 requests each\)\n {2}DynamoDB GetItem \d+ µs, Query of one item \d+ µs, PutItem \d+ µs; another service's call \d+ µs\n {2}CPU per request: \d+, \d+, \d+ and \d+ µs$/,
    );
    // The fixed answers are gone with the floor's settings: an EC2 client now has no local endpoint to answer it.
    expect(client('ec2', 'us-east-1').config.endpoint).toBeUndefined();
  });
});
