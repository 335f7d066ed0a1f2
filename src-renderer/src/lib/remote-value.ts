import { ref, type Ref } from 'vue';
import { errorMessage } from '../../../src-main/shared/app-error.js';

export interface RemoteValue<T> {
  readonly value: Ref<T | undefined>;
  /** Why the last call failed; cleared by the next success. */
  readonly error: Ref<string | undefined>;
  /** A change is on its way (loading does not count: the form stays usable). */
  readonly busy: Ref<boolean>;
  load(call: () => Promise<T>): Promise<void>;
  /** Runs a call that answers the new value; answers whether it worked. */
  change(call: () => Promise<T>): Promise<boolean>;
}

/**
 * A value main owns (settings, the secrets' status), for a store: read with one call, changed
 * by calls that answer the whole new value. A failure keeps the old value and says why.
 */
export function remoteValue<T>(): RemoteValue<T> {
  const value = ref<T>() as Ref<T | undefined>;
  const error = ref<string>();
  const busy = ref(false);

  async function load(call: () => Promise<T>): Promise<void> {
    try {
      value.value = await call();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function change(call: () => Promise<T>): Promise<boolean> {
    busy.value = true;
    try {
      value.value = await call();
      error.value = undefined;
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { value, error, busy, load, change };
}
