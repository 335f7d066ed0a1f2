/**
 * The part of ssh2's API Lifeboat uses, typed here because the project has no @types/ssh2.
 * Kept to what the transport calls; ssh2 itself is plain JavaScript.
 */
declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  import type { Duplex, Readable, Writable } from 'node:stream';

  export interface Algorithms {
    serverHostKey?: string[];
  }

  export interface ConnectConfig {
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    privateKey?: Buffer | string;
    passphrase?: string;
    agent?: string;
    sock?: Duplex;
    readyTimeout?: number;
    keepaliveInterval?: number;
    keepaliveCountMax?: number;
    tryKeyboard?: boolean;
    algorithms?: Algorithms;
    hostVerifier?: (key: Buffer, verify: (valid: boolean) => void) => void;
    debug?: (message: string) => void;
  }

  export interface ExecOptions {
    env?: Record<string, string>;
    pty?: boolean;
  }

  export interface ClientChannel extends Duplex {
    stderr: Readable;
    signal(signalName: string): boolean;
    close(): void;
    setWindow?(rows: number, cols: number, height: number, width: number): void;
  }

  export interface Stats {
    mode: number;
    size: number;
    isDirectory(): boolean;
    isFile(): boolean;
  }

  export interface SFTPWrapper extends EventEmitter {
    open(path: string, flags: string, cb: (err: Error | undefined, handle: Buffer) => void): void;
    open(path: string, flags: string, attrs: { mode?: number }, cb: (err: Error | undefined, handle: Buffer) => void): void;
    write(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, cb: (err: Error | undefined) => void): void;
    read(
      handle: Buffer,
      buffer: Buffer,
      offset: number,
      length: number,
      position: number,
      cb: (err: Error | undefined, bytesRead: number, buffer: Buffer, position: number) => void,
    ): void;
    fstat(handle: Buffer, cb: (err: Error | undefined, stats: Stats) => void): void;
    close(handle: Buffer, cb: (err: Error | undefined) => void): void;
    createWriteStream(path: string, options?: { flags?: string; mode?: number }): Writable;
    ext_openssh_rename(from: string, to: string, cb: (err: Error | undefined) => void): void;
    rename(from: string, to: string, cb: (err: Error | undefined) => void): void;
    unlink(path: string, cb: (err: Error | undefined) => void): void;
    end(): void;
  }

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    end(): this;
    destroy(): this;
    exec(command: string, options: ExecOptions, cb: (err: Error | undefined, channel: ClientChannel) => void): boolean;
    sftp(cb: (err: Error | undefined, sftp: SFTPWrapper) => void): boolean;
    forwardOut(
      srcIP: string,
      srcPort: number,
      dstIP: string,
      dstPort: number,
      cb: (err: Error | undefined, channel: ClientChannel) => void,
    ): boolean;
    openssh_forwardOutStreamLocal(socketPath: string, cb: (err: Error | undefined, channel: ClientChannel) => void): boolean;
  }

  export interface ParsedKey {
    type: string;
    getPublicSSH(): Buffer;
  }

  export const utils: {
    parseKey(data: Buffer | string, passphrase?: string): ParsedKey | ParsedKey[] | Error;
  };

  // ssh2 is CommonJS: Node's ESM loader only finds some names, so the default export is what works.
  const ssh2: { Client: typeof Client; utils: typeof utils };
  // eslint-disable-next-line no-restricted-syntax
  export default ssh2;
}
