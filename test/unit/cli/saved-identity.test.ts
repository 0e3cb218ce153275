import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_DIRS, codeDigest } from '../../../cli/operator/saved-identity.js';
import { testTempDir } from '../../helpers/temp-dir.js';

/** A checkout with one source file in each code directory. */
function checkout(root: string): string {
  for (const dir of CODE_DIRS) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'index.ts'), `export const dir = '${dir}';\n`);
  }
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  return root;
}

describe('a saved cloud names the code that wrote it', () => {
  it.each(['aws', 'components', 'member', 'local', 'functions'])(
    'a change under %s/ makes the save another code’s',
    (dir) => {
      const before = checkout(join(testTempDir('saved-identity-'), 'a'));
      const after = join(testTempDir('saved-identity-'), 'b');
      cpSync(before, after, { recursive: true });
      expect(codeDigest(after)).toBe(codeDigest(before));
      const other = join(testTempDir('saved-identity-'), 'c');
      cpSync(before, other, { recursive: true });
      writeFileSync(join(other, dir, 'index.ts'), `export const dir = '${dir} changed';\n`);
      expect(codeDigest(other)).not.toBe(codeDigest(before));
    },
  );
});
