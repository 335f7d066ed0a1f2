/**
 * One live ssh2 client as the exec and SFTP code sees it: the client, a signal that fires
 * when the connection is lost (so pending work fails at once instead of hanging), the sudo
 * settings, and one SFTP session opened on first use.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import { AppError, errorMessage } from '../../shared/app-error.js';

export interface SshLink {
  /** The target's name as the operator wrote it, for messages. */
  readonly alias: string;
  readonly client: Client;
  /** Fires when the connection closes for any reason (also on `close()`). */
  readonly lost: AbortSignal;
  /** Why the connection was lost, as an error for pending work. */
  lostError(): AppError;
  readonly sudo: { readonly enabled: boolean; readonly password?: string; readonly isRoot: boolean };
  /** The connection's SFTP session, opened once. */
  sftp(): Promise<SFTPWrapper>;
}

/** Builds the link and wires the loss signal to the client's close. */
export function createSshLink(
  alias: string,
  client: Client,
  sudo: SshLink['sudo'],
): SshLink & { markClosedByUs(): void } {
  const controller = new AbortController();
  let reason: string | undefined;
  let closedByUs = false;
  client.on('error', (e: Error & { level?: string }) => {
    reason ??= e.level === 'client-timeout' ? 'the server stopped answering keepalives' : errorMessage(e);
  });
  client.on('close', () => controller.abort());
  let sftp: Promise<SFTPWrapper> | undefined;
  const link: SshLink & { markClosedByUs(): void } = {
    alias,
    client,
    lost: controller.signal,
    sudo,
    markClosedByUs: () => {
      closedByUs = true;
    },
    lostError: () =>
      closedByUs
        ? new AppError('canceled', `The SSH connection to ${alias} was closed.`)
        : new AppError(
          'unreachable',
          `The SSH connection to ${alias} was lost${reason !== undefined ? ` (${reason})` : ''}. Check the network and that the server is up, then run the job again.`,
        ),
    sftp: () => {
      sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
        if (controller.signal.aborted) {
          reject(link.lostError());
          return;
        }
        client.sftp((err, session) => {
          if (err) {
            reject(new AppError('unreachable', `${alias} refused an SFTP session: ${err.message}. Check that sshd has the sftp subsystem enabled.`, { cause: err }));
          } else {
            session.on('error', () => {});
            // A session the server closed is not reused; the next call opens a new one.
            session.on('close', () => {
              sftp = undefined;
            });
            resolve(session);
          }
        });
      });
      // A failed open is not cached: the next call may try again.
      sftp.catch(() => {
        sftp = undefined;
      });
      return sftp;
    },
  };
  return link;
}
