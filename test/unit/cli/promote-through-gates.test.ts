import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';

describe('goldsmith promote IMAGE VERSION --through-gates', () => {
  it('needs a reason, and names the version second: refused in one line before anything is sent', async () => {
    const noReason = await captureOutput(() =>
      main(['promote', 'base', '1.0.0/1', '--through-gates', '--stage', 'prod']),
    );
    expect(noReason).toMatchObject({
      code: 1,
      stderr: 'goldsmith promote: promote --through-gates needs --reason R (it is kept in the history)\n',
    });
    const withVersion = await captureOutput(() =>
      main([
        'promote',
        'base',
        '1.0.0/1',
        '--through-gates',
        '--reason',
        'r',
        '--version',
        '1.0.0/2',
        '--stage',
        'prod',
      ]),
    );
    expect(withVersion).toMatchObject({
      code: 1,
      stderr: 'goldsmith promote: promote --through-gates names the version second: no --version\n',
    });
  });

  it('says how in its help', async () => {
    const help = await captureOutput(() => main(['promote', '--help']));
    expect(help.stdout).toContain('IMAGE VERSION --through-gates --reason R');
  });
});
