import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src-main/config/config-file.js';

describe('window settings in config.yaml', () => {
  it('reads warnAfterDays, theme and encryption', () => {
    const config = parseConfig({ settings: { warnAfterDays: 3, theme: 'light', encryption: { kind: 'recipients', recipients: ['/keys/ops.asc'] } } }, 'c.yaml');
    expect(config.settings).toEqual({ warnAfterDays: 3, theme: 'light', encryption: { kind: 'recipients', recipients: ['/keys/ops.asc'] } });
  });

  it.each([
    [{ warnAfterDays: 0 }, /settings\.warnAfterDays must be a number of days above 0/],
    [{ theme: 'blue' }, /settings\.theme must be one of system, light, dark/],
    [{ encryption: 'gpg' }, /settings\.encryption must be a mapping/],
    [{ encryption: { kind: 'keys' } }, /settings\.encryption\.kind must be passphrase or recipients/],
    [{ encryption: { kind: 'passphrase', recipients: ['a'] } }, /settings\.encryption\.recipients is only for kind: recipients/],
    [{ encryption: { kind: 'recipients', recipients: [''] } }, /settings\.encryption\.recipients must be a list of public key files/],
    [{ encryption: { kind: 'passphrase', cipher: 'aes' } }, /settings\.encryption\.cipher is not a known key/],
    [{ colour: 'red' }, /settings\.colour is not a known setting \(expected store, concurrency, warnAfterDays, theme, encryption, storeSecrets\)/],
  ])('refuses %j naming the key', (settings, message) => {
    expect(() => parseConfig({ settings }, 'c.yaml')).toThrow(message);
  });
});
