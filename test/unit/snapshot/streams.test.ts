import { describe, expect, it } from 'vitest';
import { continueRequestIdsFrom, nextRequestId, requestIdsIssued, seededRandom } from '../../../local/fakes/common.js';

describe("a seeded random stream's position", () => {
  it('draws, once another stream is set to it, the same numbers the first draws from there', () => {
    const first = seededRandom(7);
    for (let i = 0; i < 5; i++) first();
    const other = seededRandom(99);
    other.seek(first.position());
    expect([other(), other(), other()]).toEqual([first(), first(), first()]);
  });

  it('is where the seed starts it before any draw, so a stream set back there repeats its first numbers', () => {
    const stream = seededRandom(3);
    const start = stream.position();
    const drawn = [stream(), stream()];
    stream.seek(start);
    expect([stream(), stream()]).toEqual(drawn);
  });
});

describe('the request ids the fakes hand out', () => {
  it('go on, once set to how many a saved cloud had issued, with the id that cloud would have issued next', () => {
    const issued = requestIdsIssued();
    const next = [nextRequestId(), nextRequestId()];
    continueRequestIdsFrom(issued);
    expect([nextRequestId(), nextRequestId()]).toEqual(next);
  });
});
