import { forgetPassphrase, getSecretsStatus, setPassphrase, setSecretsStoring } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { SecretsStatus } from '../../../src-main/shared/models/secrets.js';
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Where the window's secrets are kept and where the archive passphrase comes from (Settings). */
export const useSecretsStore = defineStore('secrets', () => {
  const status = ref<SecretsStatus>();
  const error = ref<string>();
  const busy = ref(false);

  async function load(): Promise<void> {
    try {
      status.value = await getSecretsStatus();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Every change answers the new status; a failure keeps the old one and says why. */
  async function change(call: () => Promise<SecretsStatus>): Promise<boolean> {
    busy.value = true;
    try {
      status.value = await call();
      error.value = undefined;
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return {
    status,
    error,
    busy,
    load,
    setPassphrase: (passphrase: string) => change(() => setPassphrase(passphrase)),
    forgetPassphrase: () => change(() => forgetPassphrase()),
    setStoring: (storing: boolean) => change(() => setSecretsStoring(storing)),
  };
});
