import { forgetPassphrase, getSecretsStatus, setPassphrase, setSecretsStoring } from '../ipc/api.js';
import type { SecretsStatus } from '../../../src-main/shared/models/secrets.js';
import { defineStore } from 'pinia';
import { remoteValue } from '../lib/remote-value.js';

/** Where the window's secrets are kept and where the archive passphrase comes from (Settings). */
export const useSecretsStore = defineStore('secrets', () => {
  // Every change answers the new status; a failure keeps the old one and says why.
  const { value: status, error, busy, load, change } = remoteValue<SecretsStatus>();
  return {
    status,
    error,
    busy,
    load: () => load(getSecretsStatus),
    setPassphrase: (passphrase: string) => change(() => setPassphrase(passphrase)),
    forgetPassphrase: () => change(() => forgetPassphrase()),
    setStoring: (storing: boolean) => change(() => setSecretsStoring(storing)),
  };
});
