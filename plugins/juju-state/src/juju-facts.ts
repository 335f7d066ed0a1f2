/**
 * What a backup records about the controller, in the manifest's metadata (`juju`), and the
 * `metadata.json` Juju itself writes into `juju-backup/` (format version 1).
 */
import type { BsonDocument, BsonValue } from './bson-reader.js';
import { isLoopback } from './agent-conf.js';

export const METADATA_KEY = 'juju';

/** A machine of the model, as the database dump has it. */
export interface JujuMachine {
  readonly id: string;
  /** Addresses other machines may reach it at, most useful first. */
  readonly addresses: readonly string[];
}

export interface JujuFacts {
  readonly tag: string;
  readonly machineId: string;
  readonly controllerUuid: string;
  readonly modelUuid: string;
  readonly version: string;
  readonly series: string;
  readonly arch: string;
  readonly hostname: string;
  readonly instanceId: string;
  readonly statePort: number;
  readonly apiPort: number;
  readonly apiAddresses: readonly string[];
  readonly stateAddresses: readonly string[];
  /** The replica set's members (stateaddresses) when the controller is HA, else []. */
  readonly haMembers: readonly string[];
  /** `tools/` folder names, e.g. 2.9.42-focal-amd64. */
  readonly tools: readonly string[];
  readonly machines: readonly JujuMachine[];
  readonly haMachine?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Juju's `metadata.json`, format 1. The whole file's checksum lives outside the archive, as Juju keeps it. */
export function jujuMetadataJson(f: JujuFacts): string {
  const started = f.startedAt;
  const stamp = started.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const meta = {
    ID: `${stamp}.${f.modelUuid}`,
    FormatVersion: 1,
    Checksum: '',
    ChecksumFormat: 'SHA-1, base64 encoded',
    Size: 0,
    Stored: '0001-01-01T00:00:00Z',
    Started: started,
    Finished: f.finishedAt,
    Notes: 'Made by Lifeboat (juju-state plugin)',
    ModelUUID: f.modelUuid,
    ControllerUUID: f.controllerUuid,
    Machine: f.machineId,
    Hostname: f.hostname,
    Version: f.version,
    Series: f.series,
    ControllerMachineID: f.machineId,
    ControllerMachineInstanceID: f.instanceId,
    HANodes: Math.max(1, f.haMembers.length),
  };
  return JSON.stringify(meta, null, 2) + '\n';
}

/** Tools folders are `<version>-<series>-<arch>`; the one of `version` gives series and arch. */
export function seriesOf(tools: readonly string[], version: string): { series: string; arch: string } {
  const own = tools.find((t) => t.startsWith(`${version}-`)) ?? tools[0];
  const m = own ? /^\d[^-]*(?:-[a-z]+\d*)?-([a-z][a-z0-9.]*)-([a-z0-9_]+)$/.exec(own) : null;
  return m ? { series: m[1]!, arch: m[2]! } : { series: '', arch: '' };
}

function text(v: BsonValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function addressValues(v: BsonValue | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((a) => {
    if (typeof a === 'string') return [a];
    if (a && typeof a === 'object' && !(a instanceof Date) && !Buffer.isBuffer(a) && !Array.isArray(a)) {
      const value = text((a as BsonDocument).value);
      return value ? [value] : [];
    }
    return [];
  });
}

/** Machines and their addresses from `juju/machines.bson` (Juju 2.x: machineid, addresses, machineaddresses, preferred*address). */
export function machinesOf(docs: readonly BsonDocument[]): JujuMachine[] {
  const out: JujuMachine[] = [];
  for (const d of docs) {
    const id = text(d.machineid) ?? (typeof d.machineid === 'number' ? String(d.machineid) : undefined);
    if (!id || d.life === 2) continue;
    const preferred = [d.preferredprivateaddress, d.preferredpublicaddress].flatMap((p) =>
      p && typeof p === 'object' && !Array.isArray(p) && !(p instanceof Date) && !Buffer.isBuffer(p) ? [text((p as BsonDocument).value)].filter((x): x is string => !!x) : [],
    );
    const all = [...preferred, ...addressValues(d.addresses), ...addressValues(d.machineaddresses)].filter((a) => !isLoopback(a));
    out.push({ id, addresses: [...new Set(all)] });
  }
  return out;
}

/** The instance id of machine `id` from `juju/instanceData.bson`, if the dump has it. */
export function instanceIdOf(docs: readonly BsonDocument[], id: string): string {
  const d = docs.find((x) => x.machineid === id);
  return (d && text(d.instanceid)) ?? '';
}
