/** The SSH test rig: three real sshd daemons on 127.0.0.1 (see sshd.mjs). */
export interface SshRig {
  readonly host: string;
  /** Key-only target. */
  readonly port: number;
  /** Password-only target. */
  readonly passwordPort: number;
  /** Key-only bastion that allows TCP forwarding (ProxyJump). */
  readonly bastionPort: number;
  readonly user: string;
  readonly password: string;
  readonly userKeyPath: string;
  readonly encryptedKeyPath: string;
  readonly encryptedKeyPassphrase: string;
  /** The target's host key fingerprint as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  readonly hostKeyPaths: { readonly target: string; readonly bastion: string; readonly password: string };
  readonly fingerprints: { readonly target: string; readonly bastion: string; readonly password: string };
  /** The rig's temp folder. */
  readonly dir: string;
  /** A folder the test user owns, for files the tests move. */
  readonly dataDir: string;
  readonly uid: number;
  readonly gid: number;
  knownHostsText(): string;
  killTargetSessions(): number;
  freezeTargetSessions(frozen: boolean): number;
  stop(): Promise<void>;
}
export const SSH_TEST_USER: string;
export function childPids(pid: number): number[];
export function descendantPids(pid: number): number[];
export function startSshRig(): Promise<SshRig>;
