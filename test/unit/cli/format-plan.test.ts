import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../../src-main/cli/commands/restore.js';

const made = { plugin: { id: 'btcpay', version: '1.0.0' }, target: 'shop', startedAt: '2026-11-22T00:00:00.000Z' };

describe('a restore plan as the CLI prints it', () => {
  it('numbers the steps, marks the warnings and says nothing was changed and that a restore verifies first', () => {
    const text = formatPlan('shop-1.tar.gz.gpg', 'shop', {
      made,
      plan: { steps: ['Stop the containers.', 'Load the database.'], warnings: ['The archive is from BTCPay 1.12, this is 2.0.'] },
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Restore plan for shop-1.tar.gz.gpg onto shop (nothing was changed):',
      '',
      '  1. Stop the containers.',
      '  2. Load the database.',
    ]);
    expect(text).toContain('WARNINGS (1), read before restoring:\n  ! The archive is from BTCPay 1.12, this is 2.0.');
    expect(text).toContain('a real restore first verifies the whole archive');
  });

  it('lines up ten or more steps and shows no warnings heading without warnings', () => {
    const steps = Array.from({ length: 10 }, (_, i) => `Step ${i + 1}.`);
    const text = formatPlan('a.tar.gz', 't', { made, plan: { steps } });
    expect(text).toContain('\n   1. Step 1.\n');
    expect(text).toContain('\n  10. Step 10.\n');
    expect(text).not.toContain('WARNINGS');
  });
});
