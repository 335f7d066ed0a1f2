// The PostgreSQL 15 test image (test/env/docker/postgres-image.ts), built without a
// registry, runs a real server on the private test engine: ready, answers psql, dumps.
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerExec, type DockerExecResult } from '../../../src-main/transport/docker/index.js';
import { ensurePostgresImage } from '../../env/docker/postgres-image.js';
import { type DockerRig, startDockerRig, TEST_LABELS } from '../../env/dockerd.js';

let rig: DockerRig;
let image: string;

beforeAll(async () => {
  rig = await startDockerRig();
  image = await ensurePostgresImage(rig.docker);
});

afterAll(async () => {
  await rig?.cleanup();
});

/** Polls `pg_isready` in the container until it says yes; fails with its last answer and the server's log. */
async function waitForPostgres(container: Dockerode.Container): Promise<void> {
  let last: DockerExecResult | undefined;
  for (let attempt = 0; attempt < 150; attempt++) {
    const state = (await container.inspect()).State;
    if (!state.Running) break;
    last = await dockerExec(container, ['pg_isready', '-U', 'postgres', '-t', '1'], { allowFailure: true });
    if (last.code === 0) return;
    // pg_isready returns at once while the socket is missing; pace the polls a little.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Not in Lifeboat's dockerode typings: the tests alone read container logs.
  const withLogs = container as unknown as { logs(o: { stdout: boolean; stderr: boolean; tail: number }): Promise<Buffer> };
  const logs = demux(await withLogs.logs({ stdout: true, stderr: true, tail: 30 }));
  throw new Error(`Postgres in the test image did not become ready (last pg_isready: ${last ? `${last.code} ${last.stdout}${last.stderr}` : 'never ran'}). Container log:\n${logs}`);
}

/** A non-TTY container's log: frames of an 8-byte header (stream, size) and the bytes. */
function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; at += 8 + raw.readUInt32BE(at + 4)) parts.push(raw.subarray(at + 8, at + 8 + raw.readUInt32BE(at + 4)));
  return Buffer.concat(parts).toString('utf8');
}

describe('the Postgres 15 test image', () => {
  it('starts a server that takes SQL and dumps it with pg_dumpall', async () => {
    const container = await rig.docker.createContainer({
      Image: image,
      name: `lbt-pg-${randomBytes(4).toString('hex')}`,
      Labels: { ...TEST_LABELS },
      HostConfig: { Init: true },
    });
    try {
      await container.start();
      await waitForPostgres(container);

      const version = await dockerExec(container, ['psql', '-U', 'postgres', '-tAc', 'show server_version_num']);
      expect(version.stdout.trim()).toMatch(/^15\d{4}$/);
      expect((await dockerExec(container, ['psql', '-U', 'postgres', '-tAc', 'show jit'])).stdout.trim()).toBe('off');

      await dockerExec(container, ['psql', '-v', 'ON_ERROR_STOP=1', '-U', 'postgres', '-c', 'create table t(x int); insert into t values (42)']);
      expect((await dockerExec(container, ['psql', '-U', 'postgres', '-tAc', 'select x from t'])).stdout.trim()).toBe('42');

      const dump = await dockerExec(container, ['pg_dumpall', '-c', '-U', 'postgres']);
      expect(dump.stdout).toContain('CREATE TABLE public.t');
      expect(dump.stdout).toMatch(/COPY public\.t \(x\) FROM stdin;\n42\n\\\./);
    } finally {
      await container.remove({ force: true });
    }
  });
});
