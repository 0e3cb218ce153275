import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const EXIT_FLUSHED = join(import.meta.dirname, '../../../bin/exit-flushed.mjs');
const SIZE = 300_000;

/** Runs a child that writes SIZE bytes to stdout and exits through `exitFlushed`, reading its pipe only late. */
function slowlyRead(script: string): Promise<{ code: number | null; bytes: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let bytes = 0;
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    child.on('close', (code) => resolve({ code, bytes }));
  });
}

describe('exitFlushed', () => {
  it('exits with the code only after a slow pipe has taken everything written', async () => {
    const script = `import { exitFlushed } from ${JSON.stringify(EXIT_FLUSHED)};
process.stdout.write('x'.repeat(${SIZE}));
await exitFlushed(3);`;
    expect(await slowlyRead(script)).toEqual({ code: 3, bytes: SIZE });
  });

  it('ends quietly with code 0 when the reader closes the pipe early, instead of a stack trace', async () => {
    const script = `import { endQuietlyOnBrokenPipe, exitFlushed } from ${JSON.stringify(EXIT_FLUSHED)};
endQuietlyOnBrokenPipe();
for (let i = 0; i < 200; i++) {
  process.stdout.write('line '.repeat(2000) + '\\n');
  await new Promise((r) => setTimeout(r, 5));
}
await exitFlushed(3);`;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result).toEqual({ code: 0, stderr: '' });
  });
});
