import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSecretSource } from '../../../src-main/service/env-secret-source.js';

describe('passphrases from the environment', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-secret-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes LIFEBOAT_PASSPHRASE first, then the file LIFEBOAT_PASSPHRASE_FILE names (without its newline)', async () => {
    const file = join(dir, 'pass');
    await writeFile(file, 'from the file\n');
    expect(await envSecretSource({ LIFEBOAT_PASSPHRASE: 'direct', LIFEBOAT_PASSPHRASE_FILE: file }).passphrase('new-archive')).toBe('direct');
    expect(await envSecretSource({ LIFEBOAT_PASSPHRASE_FILE: file }).passphrase('open-archive', '/x')).toBe('from the file');
    expect(await envSecretSource({}).passphrase('new-archive')).toBeUndefined();
  });

  it('says which file is missing or empty', async () => {
    const empty = join(dir, 'empty');
    await writeFile(empty, '');
    await expect(envSecretSource({ LIFEBOAT_PASSPHRASE_FILE: empty }).passphrase('new-archive')).rejects.toThrow(/is empty/);
    await expect(envSecretSource({ LIFEBOAT_PASSPHRASE_FILE: join(dir, 'nope') }).passphrase('new-archive')).rejects.toThrow(/Cannot read the passphrase file/);
  });
});
