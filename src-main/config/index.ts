/**
 * The operator's configuration file (`config.yaml`): targets and settings, read and written
 * with validation that names the bad key; and passphrases given by file or environment.
 */
export * from './config-file.js';
export * from './passphrase-env.js';
