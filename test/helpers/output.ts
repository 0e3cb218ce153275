import { vi } from 'vitest';

export interface CommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a `goldsmith` command in this process (`run` resolves to its exit code) and captures what it writes to
 * stdout and stderr instead of printing it; the streams are restored afterwards, whatever happens.
 */
export async function captureOutput(run: () => Promise<number>): Promise<CommandOutput> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run();
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
