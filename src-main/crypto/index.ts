/**
 * OpenPGP for archives: encrypting and decrypting streams (packets GnuPG 2.2 reads),
 * reading key files, and telling how a file is encrypted without decrypting it.
 * Passphrases and keys live here and in the callers that collect them, nowhere else.
 */
export * from './types.js';
export * from './keys.js';
export * from './encrypt-stream.js';
export * from './decrypt-stream.js';
export * from './inspect-encryption.js';
