import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { Ledger } from '../../stacks/Ledger.js';
import { Promotion } from '../../stacks/Promotion.js';
import { REPO_ROOT, synthesize } from './helpers.js';

const projectTypes = join(REPO_ROOT, '.sst', 'types', 'index.ts');
const modifiedAt = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

describe("SST's type hints during synthesis outside its CLI", () => {
  it("leave the project's .sst/types alone, so concurrent syntheses cannot empty each other's folder", async () => {
    const before = modifiedAt(projectTypes);
    // Promotion binds functions, which is what makes SST append to its types file.
    await synthesize(exampleCatalog, { stacks: [Ledger, Promotion] });
    expect(modifiedAt(projectTypes)).toBe(before);
  });
});
