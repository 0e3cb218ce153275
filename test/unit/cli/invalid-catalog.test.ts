import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';

describe('an operator command given a catalog that does not validate', () => {
  it('says which field is wrong, in one line per problem, and exits 1 without a stack trace', async () => {
    const dir = testTempDir('goldsmith-bad-catalog-');
    const config = join(dir, 'goldsmith.config.ts');
    writeFileSync(
      config,
      "export default { organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' }, images: {}, channels: [] };\n",
    );
    const out = await captureOutput(() => main(['status', '--stage', 'prod', '--config', config]));
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('goldsmith status: invalid catalog:\nchannels: must define at least one channel\n');
    expect(out.stdout).toBe('');
  });
});
