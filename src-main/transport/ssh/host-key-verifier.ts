/**
 * The host key decision made during the SSH handshake: a known key passes, an unknown one is
 * shown to the operator (with the fingerprint `ssh-keygen -lf` prints) and remembered when
 * accepted, and a changed or revoked one is refused with a message saying how to clear it.
 * Nothing is ever accepted silently.
 */
import { AppError, errorMessage } from '../../shared/app-error.js';
import type { QuestionHostKey } from '../../shared/models/question.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  keyKindLabel,
  keyTypeOf,
  knownHostName,
  type KnownHostEntry,
} from './known-hosts.js';

export interface HostKeyPolicy {
  readonly entries: readonly KnownHostEntry[];
  /** Where accepted keys are written. */
  readonly lifeboatKnownHosts: string;
  /** Asks the operator; `hostKey` is the same key as data, for a window to show apart. */
  confirm(question: string, hostKey: QuestionHostKey): Promise<boolean>;
  /** Told when the handshake is waiting on the operator, so timeouts can pause. */
  onWaiting?(waiting: boolean): void;
}

/**
 * Returns ssh2's `hostVerifier` for one host, and `failure()` giving the reason a refused
 * key was refused (ssh2 itself only says "verification failed").
 */
export function createHostKeyVerifier(
  alias: string,
  hostName: string,
  port: number,
  policy: HostKeyPolicy,
): { verify(key: Buffer, done: (ok: boolean) => void): void; failure(): AppError | undefined } {
  let failure: AppError | undefined;
  const shown = alias === hostName ? knownHostName(hostName, port) : `${alias} (${knownHostName(hostName, port)})`;
  const decide = async (key: Buffer): Promise<boolean> => {
    const status = checkHostKey(policy.entries, hostName, port, key);
    const offered = fingerprint(key);
    switch (status.kind) {
      case 'known':
        return true;
      case 'revoked':
        failure = new AppError(
          'host-key',
          `The host key of ${shown} (${offered}) is marked @revoked in ${status.entry.file} line ${status.entry.line}. Lifeboat refuses to connect. Ask the server's administrator for its current key.`,
        );
        return false;
      case 'changed': {
        const name = knownHostName(hostName, port);
        failure = new AppError(
          'host-key',
          `The host key of ${shown} has changed: ${status.known.file} line ${status.known.line} has ${keyKindLabel(status.known.keyType)} ` +
            `${fingerprint(status.known.key)}, the server now offers ${keyKindLabel(keyTypeOf(key))} ${offered}. ` +
            `Someone could be intercepting the connection. If the server was reinstalled or its key replaced on purpose, ` +
            `remove the old entry with \`ssh-keygen -R '${name}' -f ${status.known.file}\` and connect again to accept the new key.`,
        );
        return false;
      }
      case 'unknown': {
        policy.onWaiting?.(true);
        let yes: boolean;
        try {
          const keyType = keyKindLabel(keyTypeOf(key));
          yes = await policy.confirm(
            `The authenticity of host ${shown} can't be established. ${keyType} key fingerprint is ${offered}. Trust it and connect?`,
            { host: shown, keyType, fingerprint: offered, changed: false },
          );
        } finally {
          policy.onWaiting?.(false);
        }
        if (!yes) {
          failure = new AppError('declined', `The host key of ${shown} (${offered}) was not accepted, so Lifeboat did not connect.`);
          return false;
        }
        await appendKnownHost(policy.lifeboatKnownHosts, hostName, port, key);
        return true;
      }
    }
  };
  return {
    verify(key, done) {
      decide(key).then(done, (e: unknown) => {
        failure = e instanceof AppError ? e : new AppError('host-key', `The host key of ${shown} could not be checked: ${errorMessage(e)}`, { cause: e });
        done(false);
      });
    },
    failure: () => failure,
  };
}
