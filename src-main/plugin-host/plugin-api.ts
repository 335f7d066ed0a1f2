/**
 * THE plugin contract of Lifeboat, version 1.
 *
 * A plugin is a folder with a `package.json` whose `lifeboat` field describes it, and a
 * module (its `main`) that exports `plugin`, an object implementing {@link LifeboatPlugin}.
 * The host hands the plugin everything it works with through a context: the target's
 * options, the machine it works on, the archive, progress, a logger, a cancellation signal
 * and `confirm`. A plugin never sees the archive's passphrase or keys.
 *
 * Evolution is add-only: members are added, never removed or changed in meaning, and the
 * minor version of {@link PLUGIN_API_VERSION} goes up with each addition.
 *
 * @example A drop-in plugin in plain JavaScript, no build step:
 * ```js
 * // ~/.local/share/lifeboat/plugins/notes/package.json
 * // { "name": "lifeboat-plugin-notes", "version": "1.0.0", "type": "module",
 * //   "lifeboat": { "id": "notes", "displayName": "Notes folder", "apiVersion": "^1.0.0",
 * //                 "main": "index.js",
 * //                 "options": { "type": "object", "required": ["dir"],
 * //                              "properties": { "dir": { "type": "string" } } } } }
 * export const plugin = {
 *   async probe(ctx) { return { reachable: true, running: true }; },
 *   async backup(ctx) { await ctx.archive.addDirectory(ctx.target.options.dir, 'notes'); },
 *   async restore(ctx) { await ctx.archive.extractTo(ctx.target.options.dir, { strip: 'notes' }); },
 * };
 * ```
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ContainerRef, StopOptions, StoppedContainers } from '../transport/docker/containers.js';
import type { DockerExecOptions, DockerExecResult } from '../transport/docker/docker-exec.js';
import type { ContainerConfig, ContainerSpec } from '../transport/docker/run-container.js';
import type { SshConnection } from '../transport/ssh/ssh-connection.js';
import type { SshTarget } from '../transport/ssh/ssh-target.js';
import type { Manifest, ManifestEntry } from '../shared/models/manifest.js';
import type { ProgressSink } from '../shared/models/progress.js';

export type { AppErrorCode } from '../shared/app-error.js';
export type { Manifest, ManifestEntry } from '../shared/models/manifest.js';
export type { ProgressSink, ProgressUpdate } from '../shared/models/progress.js';

/** The version of this contract. Plugins declare a semver range of it as `apiVersion`. */
export const PLUGIN_API_VERSION = '1.2.0';

/**
 * The `lifeboat` field of a plugin's `package.json`.
 *
 * @example
 * ```json
 * { "id": "juju-client", "displayName": "Juju client directory", "apiVersion": "^1.0.0",
 *   "main": "dist/index.js",
 *   "options": { "type": "object", "properties": {
 *     "dir": { "type": "string", "description": "Folder to back up" },
 *     "sudoPassword": { "type": "string", "secret": true } } } }
 * ```
 */
export interface PluginManifest {
  /** Unique id, lowercase letters, digits and dashes; used in configs and archive manifests. */
  readonly id: string;
  /** Name shown to operators. */
  readonly displayName: string;
  /** Semver range of {@link PLUGIN_API_VERSION} the plugin works with, e.g. `^1.0.0`. */
  readonly apiVersion: string;
  /** Module to load, relative to the plugin folder (ESM, or CommonJS with `exports.plugin`). */
  readonly main: string;
  /**
   * JSON Schema (draft 2020-12 subset) of the target's options. A property with
   * `"secret": true` holds a secret (a password): it is stored protected and redacted in
   * archive manifests and logs.
   */
  readonly options: JsonSchemaObject;
  /** One line shown under the name. */
  readonly description?: string;
}

/** A JSON Schema of an object; `secret: true` on a property marks a secret. */
export interface JsonSchemaObject {
  readonly type: 'object';
  readonly properties?: Readonly<Record<string, JsonSchemaProperty>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly [key: string]: unknown;
}

/** One option's schema. */
export interface JsonSchemaProperty {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  /** True for passwords and other secrets. */
  readonly secret?: boolean;
  /**
   * For an array option the plugin extends with a list of its own (e.g. a built-in exclude
   * list): those items, shown to operators beside the option. Annotation only.
   * @since 1.2.0
   * @example `"exclude": { "type": "array", "items": { "type": "string" }, "builtinItems": ["**\/logs/*"] }`
   */
  readonly builtinItems?: readonly unknown[];
  readonly [key: string]: unknown;
}

/**
 * What a plugin module exports as `plugin`.
 *
 * Failures the operator can act on are thrown as an `Error` whose `name` is `'AppError'` and
 * whose `code` is one of the host's error codes (`'unreachable'`, `'unreadable-files'`,
 * `'declined'`, `'plugin'`...), with a message saying what is wrong and what to do; the host
 * shows it as it is. Anything else thrown is reported as a bug in the plugin, with its stack.
 *
 * @example
 * ```ts
 * export const plugin: LifeboatPlugin = {
 *   probe: async (ctx) => ({ reachable: true, running: true, version: '2.9' }),
 *   backup: async (ctx) => { await ctx.archive.addDirectory('/srv/app', 'app'); },
 *   restore: async (ctx) => { await ctx.archive.extractTo('/srv', { paths: ['app'] }); },
 * };
 * ```
 */
export interface LifeboatPlugin {
  /** Is the target reachable, is it running, which version? Must not change anything. */
  probe(ctx: ProbeContext): Promise<ProbeResult>;
  /**
   * Put the target's state into `ctx.archive`, in the target's own native layout. Whatever
   * the plugin stops, it starts again before returning or throwing, canceled or not.
   */
  backup(ctx: BackupContext): Promise<BackupResult | void>;
  /**
   * Put the archive's state back onto the target. Ask `ctx.confirm` before each
   * destructive step; keep a way back (move aside, do not delete) where the target allows it.
   */
  restore(ctx: RestoreContext): Promise<RestoreResult | void>;
  /**
   * Optional plugin-specific check of an archive beyond the host's integrity check. Called
   * only after the host's check passed; never touches the target (see {@link VerifyContext}).
   */
  verify?(ctx: VerifyContext): Promise<VerifyResult>;
  /**
   * What `restore` would do with this archive on this target, changing nothing: which
   * services are stopped, what is replaced (and where the current state is kept), what is
   * started. `lifeboat restore --dry-run` prints it; the window shows it before asking.
   * Reads the archive's manifest (ctx.archive.manifest) — the host does NOT verify the whole
   * archive first for a plan — and may look at the target read-only.
   *
   * In a plan, `ctx.confirm` answers only host-key trust questions (so `ctx.ssh()` works);
   * any other question rejects, since a plan has nothing to confirm. `ctx.archive.extractTo`
   * rejects; `ctx.archive.entries` reads the unverified archive and is slow: prefer the manifest.
   * @since 1.2.0
   * @example
   * ```ts
   * planRestore: async (ctx) => ({
   *   steps: [`Move ${dir} aside to ${dir}.lifeboat-<time>`, `Extract ${ctx.archive.manifest.totals.files} files into ${dir}`],
   *   warnings: ctx.archive.manifest.metadata.version !== current ? ['The archive is from another version.'] : [],
   * }),
   * ```
   */
  planRestore?(ctx: RestoreContext): Promise<RestorePlan>;
}

/**
 * What a restore would do, from {@link LifeboatPlugin.planRestore}.
 * @since 1.2.0
 */
export interface RestorePlan {
  /** Steps in order, one sentence each. */
  readonly steps: readonly string[];
  /** What the operator must know before saying yes (e.g. versions differ, Lightning state). */
  readonly warnings?: readonly string[];
}

/** What every context has. */
export interface PluginContext {
  /** The configured target: its name and options (secrets included, for the plugin's own use). */
  readonly target: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  /** The machine Lifeboat itself runs on. */
  readonly local: LocalMachine;
  readonly log: Logger;
  /** Report phases, bytes and items; the host throttles and computes rate and ETA. */
  readonly progress: ProgressSink;
  /** Fires on cancel. Stop soon, undo what you did (restart what you stopped), then throw. */
  readonly signal: AbortSignal;
  /**
   * Ask the operator before a destructive step. Resolves false when declined; in
   * non-interactive runs it resolves true only when the operator passed `--yes`.
   *
   * @example
   * ```ts
   * if (!(await ctx.confirm(`Replace ${dir}? The current one is kept as ${aside}.`))) return;
   * ```
   */
  confirm(question: string): Promise<boolean>;
  /**
   * The target's host over SSH, from the target's `ssh` option ({@link SshOptions}). Opened on
   * the first call and shared by the whole job; the host closes it when the job ends. An
   * unknown host key is put to the operator through `confirm` with its SHA256 fingerprint; a
   * changed one is refused. Rejects with AppError('config') when the target has no `ssh` option.
   * @since 1.1.0
   * @example
   * ```ts
   * const host = await ctx.ssh();
   * await ctx.archive.addTarStream(host.tarCreate('/var/lib/juju', { sudo: true }), { prefix: 'root' });
   * ```
   */
  ssh(): Promise<RemoteHost>;
  /**
   * The target's Docker engine: over {@link PluginContext.ssh} (a forward to the remote socket,
   * option `dockerSocket`, default `/var/run/docker.sock`) when the target has an `ssh` option,
   * else the local one (`dockerSocket`, else `DOCKER_HOST`, else `/var/run/docker.sock`).
   * Opened on the first call and shared by the job.
   * @since 1.1.0
   * @example
   * ```ts
   * const docker = await ctx.docker();
   * const stopped = await docker.stopInOrder(await docker.findComposeProject('generated'));
   * try { ... } finally { await stopped.restore(); }
   * ```
   */
  docker(): Promise<DockerEngine>;
}

/**
 * The `ssh` target option a plugin that works over SSH declares in its options schema (an
 * object property named `ssh` with these properties; mark `password`, `identityPassphrase`
 * and `sudoPassword` as `"secret": true`): host, port, user, identityFile,
 * identityPassphrase, password, useAgent, proxyJump (`[user@]host[:port]`), sudo, sudoPassword.
 * Unset fields come from `~/.ssh/config`.
 * @since 1.1.0
 */
export type SshOptions = Omit<SshTarget, 'connectTimeoutMs' | 'keepaliveIntervalMs'>;

/**
 * A host reached over SSH: commands, SFTP transfers, tar streams of folders, and forwards to
 * its Unix sockets, all over one connection. The host closes it; plugins do not.
 * @since 1.1.0
 */
export type RemoteHost = Omit<SshConnection, 'close'>;

/**
 * A Docker engine with the operations backups need. Containers are named by name or ID.
 * @since 1.1.0
 */
export interface DockerEngine {
  /** The dockerode client, for anything the members below do not cover. */
  readonly client: Dockerode;
  /** The engine's version. */
  readonly version: string;
  /** A container by name (`project_service_1` and `project-service-1` both match). */
  findContainer(name: string): Promise<ContainerRef | undefined>;
  /** A compose project's containers, dependencies first. */
  findComposeProject(project: string): Promise<ContainerRef[]>;
  /**
   * Stops the running ones, dependents first; `restore()` on the result starts exactly those
   * again. On failure or cancel it restarts what it stopped before throwing.
   */
  stopInOrder(containers: readonly ContainerRef[], options?: StopOptions): Promise<StoppedContainers>;
  /** Runs a command in a running container; non-zero exits reject unless `allowFailure`. */
  exec(container: string, command: readonly string[], options?: DockerExecOptions): Promise<DockerExecResult>;
  /** A tar of a path in a container (running or not). */
  readPath(container: string, path: string): Promise<Readable>;
  /** Unpacks a tar into a path of a container. */
  writePath(container: string, path: string, tar: Readable): Promise<void>;
  /**
   * Hands `consume` a tar of a named volume, read through a helper container (made from
   * `helperImage`, never started, removed afterwards).
   */
  readVolume<T>(volume: string, consume: (tar: Readable) => Promise<T>, options: { readonly helperImage: string }): Promise<T>;
  /** Unpacks a tar into a named volume through a helper container. */
  writeVolume(volume: string, tar: Readable, options: { readonly helperImage: string }): Promise<void>;
  /** Creates and starts a container; resolves with its ID. */
  runContainer(spec: ContainerSpec): Promise<string>;
  /** What is needed to make the container again (environment secrets left out). */
  inspectConfig(container: string): Promise<ContainerConfig>;
}

export type ProbeContext = PluginContext;

export interface ProbeResult {
  readonly reachable: boolean;
  readonly running: boolean;
  readonly version?: string;
  /** A sentence for the operator, e.g. why it is unreachable. */
  readonly detail?: string;
}

export interface BackupContext extends PluginContext {
  readonly archive: ArchiveSink;
}

export interface BackupResult {
  /** Seconds the target was stopped or halted, if it was. */
  readonly downtimeSeconds?: number;
  /** Lines for the operator's summary. */
  readonly notes?: readonly string[];
}

export interface RestoreContext extends PluginContext {
  readonly archive: ArchiveSource;
}

export interface RestoreResult {
  readonly downtimeSeconds?: number;
  readonly notes?: readonly string[];
}

/**
 * The context of {@link LifeboatPlugin.verify}. `target.options` are the ones recorded in the
 * archive's manifest (secrets redacted).
 */
export interface VerifyContext extends PluginContext {
  readonly archive: ArchiveSource;
  /**
   * True for `lifeboat verify --deep`: the plugin may do a slow test restore into something
   * throwaway (e.g. load a database dump into a temporary container). Verify never touches
   * the target: in a verify context `ctx.ssh()` rejects with AppError('usage'), and
   * `ctx.docker()` is the Docker engine of the machine Lifeboat runs on (DOCKER_HOST or
   * /var/run/docker.sock; the target's `dockerSocket` option only if the target had no `ssh`).
   * @since 1.2.0
   * @example
   * ```ts
   * if (!ctx.deep) return { ok: true, problems: [] };
   * const docker = await ctx.docker();
   * const id = await docker.runContainer({ image: 'postgres:15', entrypoint: ['postgres'], ... });
   * ```
   */
  readonly deep: boolean;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

/**
 * Where a backup's content goes. Entries are hashed (SHA-256) as they stream in and listed
 * in the archive's manifest; nothing is buffered whole or written in the clear.
 */
export interface ArchiveSink {
  /**
   * Add one local file (or symlink) as `archivePath`.
   * @example `await ctx.archive.addFile('/etc/app.conf', 'etc/app.conf')`
   */
  addFile(localPath: string, archivePath: string, options?: AddOptions): Promise<void>;
  /**
   * Add a local directory, recursively, as `archivePath` (the directory itself is an entry,
   * so empty folders and its mode survive). Keeps modes, mtimes, symlinks (not followed),
   * hard links, and ownership. Unreadable files fail the call with an AppError
   * `unreadable-files` listing them, after the walk, never a silent partial backup.
   * @example `await ctx.archive.addDirectory(home + '/.juju', '.juju', { exclude: ['local'] })`
   */
  addDirectory(localPath: string, archivePath: string, options?: AddDirectoryOptions): Promise<void>;
  /**
   * Add every entry of a tar stream produced elsewhere (`tar -c` over SSH, Docker's archive
   * API), under `prefix`. Entries are re-packed and hashed; devices and fifos are skipped
   * with a warning.
   * @example `await ctx.archive.addTarStream(await container.getArchive({ path: '/data' }), { prefix: 'volumes/app' })`
   */
  addTarStream(stream: Readable, options?: AddTarStreamOptions): Promise<void>;
  /**
   * Add generated content, e.g. a metadata file in the target's own format.
   * @example `await ctx.archive.addBuffer('juju-backup/metadata.json', JSON.stringify(meta))`
   */
  addBuffer(archivePath: string, data: Buffer | string, options?: AddOptions): Promise<void>;
  /**
   * Add a stream of unknown length (a database dump) as a regular file. The host spools it
   * through an encrypted temporary file when needed, never in the clear.
   * @example `await ctx.archive.addStream('postgres.sql.gz', dumpStream)`
   */
  addStream(archivePath: string, stream: Readable, options?: AddOptions): Promise<void>;
  /**
   * Park a stream in the host's encrypted spool (beside the archive, under a key that lives
   * only in memory; never on disk in the clear) to add it later: e.g. a raw database dump
   * taken while a service is stopped, compressed into the archive once it runs again.
   * `read()` may be called once; `close()` removes it (also when the job fails).
   * @since 1.2.0
   * @example
   * ```ts
   * const dump = await ctx.archive.park(rawDumpStream);       // fast, while stopped
   * await stack.start();
   * await ctx.archive.addStream('db.sql.gz', Readable.from(dump.read()).pipe(createGzip()));
   * await dump.close();
   * ```
   */
  park(stream: Readable): Promise<ParkedStream>;
  /** Record plugin-specific facts in the manifest's `metadata`. */
  setMetadata(key: string, value: unknown): void;
}

/** A stream parked by {@link ArchiveSink.park}. @since 1.2.0 */
export interface ParkedStream {
  /** Its length in bytes. */
  readonly size: number;
  /** Its bytes, decrypted as they are read. Once. */
  read(): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

export interface AddOptions {
  readonly mode?: number;
  /** Defaults to now for generated content, the file's own mtime otherwise. */
  readonly mtime?: Date;
  readonly uid?: number;
  readonly gid?: number;
}

export interface AddDirectoryOptions {
  /**
   * Paths relative to the directory to leave out, with `*` and `**` globs
   * (e.g. `local`, `logs/*`, `** /cache` without the space).
   */
  readonly exclude?: readonly string[];
}

export interface AddTarStreamOptions {
  /** Put every entry under this archive folder. */
  readonly prefix?: string;
  /** Entry paths (after the prefix is removed) to leave out; same globs as addDirectory. */
  readonly exclude?: readonly string[];
}

/**
 * A backup being restored. The host has already verified it end to end before calling
 * `restore`, and every read is checked again as it streams. (Not before `planRestore`: a
 * plan reads only the manifest.)
 */
export interface ArchiveSource {
  readonly manifest: Manifest;
  /**
   * Stream the entries in archive order. Each file's `body` must be consumed (or
   * `body.resume()`d) before the next entry arrives. Data is untrusted until the iteration
   * finishes without throwing: write to a staging place, move into place at the end.
   */
  entries(options?: { readonly paths?: readonly string[] }): AsyncIterable<ArchiveEntry>;
  /**
   * Extract safely into `destination`: into a staging folder beside it first, then moved
   * into place only when the whole archive passed its integrity check. Refuses absolute
   * paths, `..`, links out of the destination, devices. Existing files are never
   * overwritten: `destination` itself must not exist, or must be an empty folder
   * (move the old one aside first).
   * @example `await ctx.archive.extractTo('/home/ops/.juju', { strip: '.juju' })`
   */
  extractTo(destination: string, options?: ExtractOptions): Promise<ExtractResult>;
}

export interface ArchiveEntry {
  readonly path: string;
  readonly type: ManifestEntry['type'];
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: Date;
  readonly linkname?: string;
  /** File content; present for files only. */
  readonly body?: Readable;
}

export interface ExtractOptions {
  /** Only these archive paths (a folder selects everything under it). */
  readonly paths?: readonly string[];
  /** Remove this leading folder from every path (entries outside it are skipped). */
  readonly strip?: string;
  /** Restore uid/gid (only effective as root). Default: true when running as root. */
  readonly preserveOwner?: boolean;
}

export interface ExtractResult {
  readonly files: number;
  readonly bytes: number;
  readonly destination: string;
}

/** The machine Lifeboat runs on. */
export interface LocalMachine {
  readonly homedir: string;
  /** True when running as root (uid 0). */
  readonly isRoot: boolean;
  /** Environment of the Lifeboat process, without Lifeboat's own secrets. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Run a program (no shell) and collect its output; killed on cancel. Rejects with an
   * AppError carrying the exit code and last stderr lines when it exits non-zero.
   * @example `const { stdout } = await ctx.local.exec('juju', ['version'])`
   */
  exec(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Buffer;
  /** Resolve instead of rejecting on a non-zero exit. */
  readonly allowFailure?: boolean;
}

export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Lines go to the job's log with a timestamp; never log secrets. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
