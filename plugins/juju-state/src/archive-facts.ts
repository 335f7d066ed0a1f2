/**
 * The facts a restore needs from an archive: from the manifest's `juju` metadata when
 * Lifeboat made it, else (a `juju create-backup` file that was imported) read from the
 * archive itself: metadata.json, the controller's agent.conf inside root.tar, the tools
 * folders, and the machines in the dump's machines.bson.
 */
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { ArchiveSource } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import { parseAgentConf, type AgentConf } from './agent-conf.js';
import { readBsonFile } from './bson-reader.js';
import { machinesOf, METADATA_KEY, seriesOf, type JujuFacts } from './juju-facts.js';

async function collect(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** From root.tar: the controller agent's agent.conf (the one with a statepassword) and the tools folders. */
async function readRootTar(data: Buffer): Promise<{ conf?: AgentConf; tools: string[] }> {
  const x = extract();
  const tools = new Set<string>();
  let conf: AgentConf | undefined;
  const done = (async () => {
    for await (const entry of x) {
      const name = entry.header.name.replace(/^\.?\//, '');
      const t = /^var\/lib\/juju\/tools\/([^/]+)\//.exec(name)?.[1];
      if (t && !t.startsWith('machine-')) tools.add(t);
      if (/^var\/lib\/juju\/agents\/machine-[^/]+\/agent\.conf$/.test(name)) {
        const c = parseAgentConf((await collect(entry)).toString('utf8'), `${name} in root.tar`);
        if (c.statePassword && !conf) conf = c;
      } else {
        entry.resume();
      }
    }
  })();
  Readable.from([data]).pipe(x);
  await done;
  return { ...(conf ? { conf } : {}), tools: [...tools] };
}

export async function archiveFacts(archive: ArchiveSource): Promise<JujuFacts> {
  const recorded = archive.manifest.metadata[METADATA_KEY] as JujuFacts | undefined;
  if (recorded?.tag) return recorded;
  const paths = new Set(archive.manifest.entries.map((e) => e.path));
  if (!paths.has('juju-backup/root.tar')) {
    throw new AppError('usage', 'This archive has no juju-backup/root.tar, so it is not a Juju controller backup. Choose an archive made by the juju-state plugin or by juju create-backup.');
  }
  const wanted = ['juju-backup/metadata.json', 'juju-backup/root.tar', 'juju-backup/dump/juju/machines.bson'].filter((p) => paths.has(p));
  let meta: Record<string, unknown> = {};
  let root: { conf?: AgentConf; tools: string[] } = { tools: [] };
  let machines: JujuFacts['machines'] = [];
  for await (const e of archive.entries({ paths: wanted })) {
    if (!e.body) continue;
    const data = await collect(e.body);
    if (e.path === 'juju-backup/metadata.json') meta = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    else if (e.path === 'juju-backup/root.tar') root = await readRootTar(data);
    else machines = machinesOf(readBsonFile(data));
  }
  const conf = root.conf;
  if (!conf) throw new AppError('usage', 'root.tar in this archive holds no controller agent.conf (none with a statepassword), so Lifeboat cannot restore the database from it.');
  const version = typeof meta.Version === 'string' && meta.Version ? meta.Version : conf.version;
  const machineId = conf.tag.replace(/^machine-/, '');
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    tag: conf.tag,
    machineId,
    controllerUuid: str(meta.ControllerUUID) || conf.controllerUuid,
    modelUuid: str(meta.ModelUUID) || conf.modelUuid,
    version,
    ...seriesOf(root.tools, version),
    hostname: str(meta.Hostname),
    instanceId: str(meta.ControllerMachineInstanceID),
    statePort: conf.statePort,
    apiPort: conf.apiPort,
    apiAddresses: conf.apiAddresses,
    stateAddresses: conf.stateAddresses,
    haMembers: conf.stateAddresses.length > 1 ? conf.stateAddresses : [],
    tools: root.tools,
    machines,
    startedAt: str(meta.Started) || archive.manifest.startedAt,
    finishedAt: str(meta.Finished) || archive.manifest.finishedAt,
  };
}
