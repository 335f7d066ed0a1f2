import { AppError } from '../shared/app-error.js';
import type { EncryptionInfo } from '../shared/models/archive.js';
import type { Decryption, Encryption } from '../crypto/index.js';
import { readPrivateKeyFile, readPublicKeyFile } from '../crypto/index.js';
import { passphraseFromEnv, readPassphraseFile } from '../config/index.js';
import type { Terminal } from './terminal.js';

/** The secret flags every archive command accepts. */
export interface SecretFlags {
  readonly passphraseFile?: string;
  readonly recipients?: readonly string[];
  readonly identities?: readonly string[];
  readonly noEncrypt?: boolean;
}

const HOW = 'pass --passphrase-file FILE, or set LIFEBOAT_PASSPHRASE (or LIFEBOAT_PASSPHRASE_FILE)';

/**
 * The passphrase from --passphrase-file, else LIFEBOAT_PASSPHRASE or LIFEBOAT_PASSPHRASE_FILE,
 * else a prompt on a TTY.
 * Never prompts without a TTY: fails saying which flag or variable to use.
 */
async function passphrase(flags: SecretFlags, term: Terminal, purpose: string, confirmTwice: boolean): Promise<string> {
  if (flags.passphraseFile) return readPassphraseFile(flags.passphraseFile);
  const env = await passphraseFromEnv();
  if (env) return env;
  if (!term.interactive) {
    throw new AppError('secret-required', `${purpose} needs a passphrase and there is no terminal to ask on: ${HOW}.`);
  }
  const first = await term.readSecret(`Passphrase for ${purpose}: `);
  if (!first) throw new AppError('usage', 'An empty passphrase is not allowed.');
  if (confirmTwice) {
    const again = await term.readSecret('Repeat the passphrase: ');
    if (again !== first) throw new AppError('usage', 'The two passphrases differ; nothing was written. Try again.');
  }
  return first;
}

/** How a new archive is encrypted: --recipient keys, --no-encrypt, or a passphrase. */
export async function encryptionFor(flags: SecretFlags, term: Terminal): Promise<Encryption> {
  if (flags.noEncrypt && flags.recipients?.length) throw new AppError('usage', '--no-encrypt and --recipient cannot be used together.');
  if (flags.noEncrypt) return { kind: 'none' };
  if (flags.recipients?.length) {
    const publicKeys = (await Promise.all(flags.recipients.map((r) => readPublicKeyFile(r)))).flat();
    return { kind: 'keys', publicKeys };
  }
  return { kind: 'passphrase', passphrase: await passphrase(flags, term, 'the new archive', true) };
}

/** What opens an archive encrypted as `info` says: a passphrase, or --identity keys. */
export async function decryptionFor(info: EncryptionInfo, flags: SecretFlags, term: Terminal, what: string): Promise<Decryption> {
  switch (info.kind) {
    case 'none':
      return {};
    case 'passphrase':
      return { passphrase: await passphrase(flags, term, what, false) };
    case 'keys': {
      if (!flags.identities?.length) {
        const ids = info.recipients.map((r) => r.keyId).join(', ');
        throw new AppError('secret-required', `${what} is encrypted to public key(s) ${ids}: pass --identity PRIVATE-KEY.asc with the matching private key.`);
      }
      const privateKeys = [];
      for (const file of flags.identities) {
        try {
          privateKeys.push(...(await readPrivateKeyFile(file)));
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'secret-required')) throw e;
          privateKeys.push(...(await readPrivateKeyFile(file, await passphrase(flags, term, `the key ${file}`, false))));
        }
      }
      return { privateKeys };
    }
  }
}
