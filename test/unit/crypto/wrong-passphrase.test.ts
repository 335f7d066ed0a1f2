import { describe, expect, it } from 'vitest';
import { decryptBytes } from '../../../src-main/crypto/decrypt-stream.js';
import { encryptBytes } from '../../../src-main/crypto/encrypt-stream.js';
import { isAppError } from '../../../src-main/shared/app-error.js';

describe('a wrong passphrase', () => {
  it('is always called a wrong passphrase, never a damaged archive, whatever garbage it opens the session key to', async () => {
    const archive = await encryptBytes('the only copy of the controller', { kind: 'passphrase', passphrase: 'the right one' });
    // A wrong passphrase opens the session key packet to random bytes; now and then those name a
    // real cipher with a key of the wrong size. Enough tries to meet that case many times over.
    const codes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const code = await decryptBytes(archive, { passphrase: `wrong ${i}` }).then(
        () => 'opened',
        (e: unknown) => (isAppError(e) ? e.code : String(e)),
      );
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ 'wrong-passphrase': 400 });
  }, 120_000);
});
