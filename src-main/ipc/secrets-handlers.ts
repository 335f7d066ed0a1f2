import type { SecretsStatus } from '../shared/models/secrets.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { bool, noRequest, objectRequest, str } from './request-parsers.js';

/** What the secrets handlers need (the app service's secrets part). */
export interface SecretsApi {
  status(): Promise<SecretsStatus>;
  setPassphrase(passphrase: string): Promise<SecretsStatus>;
  forgetPassphrase(): Promise<SecretsStatus>;
  setStoring(storing: boolean): Promise<SecretsStatus>;
}

type SecretsChannels = 'secrets:status' | 'secrets:setPassphrase' | 'secrets:forgetPassphrase' | 'secrets:setStoring';

export function createSecretsHandlers(api: SecretsApi): InvokeHandlersFor<SecretsChannels> {
  return {
    'secrets:status': { parse: noRequest, run: () => api.status() },
    // An empty passphrase is refused here: it would encrypt archives with nothing.
    'secrets:setPassphrase': { parse: objectRequest('secrets:setPassphrase', { passphrase: str }), run: (r) => api.setPassphrase(r.passphrase) },
    'secrets:forgetPassphrase': { parse: noRequest, run: () => api.forgetPassphrase() },
    'secrets:setStoring': { parse: objectRequest('secrets:setStoring', { storing: bool }), run: (r) => api.setStoring(r.storing) },
  };
}
