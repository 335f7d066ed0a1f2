/**
 * A Juju controller backup in Juju's own layout, all over the job's one SSH connection:
 * read the agent's agent.conf, dump MongoDB with mongodump (the password only in a 0600
 * file, removed at once), refuse an empty dump, build root.tar from Juju's file list, write
 * metadata.json, and stream `juju-backup/` into the archive. The staging folder on the
 * controller is removed whatever happens.
 */
import { stringify } from 'yaml';
import type { BackupContext, BackupResult } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import { remoteHosts } from './agent-conf.js';
import { readBsonFile } from './bson-reader.js';
import { findAgent } from './find-agent.js';
import { findCommand, hostShell, q, type HostShell } from './host-shell.js';
import { instanceIdOf, jujuMetadataJson, machinesOf, METADATA_KEY, seriesOf, type JujuFacts, type JujuMachine } from './juju-facts.js';
import { readOptions } from './juju-options.js';
import { rootTarScript } from './root-files.js';
import { makeStaging, removeStaging } from './staging.js';

export const EMPTY_DUMP_MESSAGE =
  "the dump is empty (mongodump succeeded but wrote nothing) — Juju's own backups have shipped like this; nothing was kept";

export async function backupController(ctx: BackupContext): Promise<BackupResult> {
  const opts = readOptions(ctx.target.options);
  const startedAt = new Date().toISOString();
  const shell = hostShell(await ctx.ssh(), opts.sudo);
  ctx.progress.report({ kind: 'phase', phase: 'reading agent.conf' });
  const agent = await findAgent(shell, opts.agent);
  const conf = agent.conf;
  if (!conf.statePassword) {
    throw new AppError('plugin', `${agent.confPath} has no statepassword: ${conf.tag} is not a controller agent, so it cannot dump the database. Name the controller's agent with the target's "agent" option.`);
  }
  const mongodump = await findCommand(shell, 'mongodump', opts.mongodump);
  const staging = await makeStaging(shell, opts.stagingDir, ctx.signal);
  try {
    await checkSpace(ctx, shell, staging);
    const out = `${staging}/juju-backup`;
    ctx.progress.report({ kind: 'phase', phase: 'dumping the database (mongodump)' });
    const confFile = `${staging}/dump.conf`;
    await shell.writeSecretFile(confFile, stringify({ password: conf.statePassword }), 'Writing the mongodump configuration');
    // The password is read from the file; the file goes as soon as mongodump is done, failed or not.
    await shell.run(
      `mkdir -p ${q(out)}; ${q(mongodump)} --ssl --sslAllowInvalidCertificates --authenticationDatabase admin --host ${q(`127.0.0.1:${conf.statePort}`)} --username ${q(conf.tag)} --config ${q(confFile)} --oplog --out ${q(`${out}/dump`)}; rc=$?; rm -f ${q(confFile)}; exit $rc`,
      'mongodump',
      { signal: ctx.signal },
    );
    const check = await shell.test(`[ -f ${q(`${out}/dump/oplog.bson`)} ] && [ -d ${q(`${out}/dump/juju`)} ]`);
    if (check.code !== 0) throw new AppError('plugin', `Backup of ${shell.host.host} failed: ${EMPTY_DUMP_MESSAGE}. Check that juju-db runs and that ${conf.tag} may read the juju database, then back up again.`);
    // Juju leaves these out: the admin database holds the users, backups holds older backups.
    await shell.run(`rm -rf ${q(`${out}/dump/admin`)} ${q(`${out}/dump/backups`)}`, 'Removing admin/ and backups/ from the dump');

    ctx.progress.report({ kind: 'phase', phase: 'collecting the agent files (root.tar)' });
    const listed = await shell.test(rootTarScript(`${out}/root.tar`), { signal: ctx.signal });
    if (listed.code === 4) throw new AppError('not-found', `None of Juju's files (/var/lib/juju/tools, agents, server.pem...) are on ${shell.host.host}: this is not a Juju controller.`);
    if (listed.code !== 0) throw new AppError('plugin', `Making root.tar on ${shell.host.host} failed: ${listed.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const names = listed.stdout.split('\n').filter(Boolean);
    const tools = [...new Set(names.map((n) => /^var\/lib\/juju\/tools\/([^/]+)\//.exec(n)?.[1]).filter((t): t is string => !!t && !t.startsWith('machine-')))];

    const machines = await readMachines(shell, `${out}/dump/juju`);
    const instanceData = await readBson(shell, `${out}/dump/juju/instanceData.bson`);
    const hostname = (await shell.run('hostname', 'Reading the host name')).trim();
    const machineId = conf.tag.replace(/^machine-/, '');
    const haMembers = conf.stateAddresses.length > 1 ? [...conf.stateAddresses] : [];
    const facts: JujuFacts = {
      tag: conf.tag,
      machineId,
      controllerUuid: conf.controllerUuid,
      modelUuid: conf.modelUuid,
      version: conf.version,
      ...seriesOf(tools, conf.version),
      hostname,
      instanceId: instanceIdOf(instanceData, machineId),
      statePort: conf.statePort,
      apiPort: conf.apiPort,
      apiAddresses: conf.apiAddresses,
      stateAddresses: conf.stateAddresses,
      haMembers,
      tools,
      machines,
      ...(opts.haMachine ? { haMachine: opts.haMachine } : {}),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    await shell.run(`cat > ${q(`${out}/metadata.json`)}`, 'Writing metadata.json', { input: jujuMetadataJson(facts) });

    ctx.progress.report({ kind: 'phase', phase: 'archiving juju-backup/' });
    await ctx.archive.addTarStream(shell.host.tarCreate(out, { sudo: opts.sudo, signal: ctx.signal }), { prefix: 'juju-backup' });
    ctx.archive.setMetadata(METADATA_KEY, facts);
    const notes = [`Controller ${conf.tag} on ${hostname} (Juju ${conf.version || 'version unknown'}), model ${conf.modelUuid}: database dump and ${names.length} files in root.tar.`];
    if (haMembers.length > 0) {
      notes.push(`This controller is HA (replica set members: ${haMembers.join(', ')}); the backup came from ${conf.tag}${opts.haMachine ? ` (${opts.haMachine})` : ''}. A restore makes a one-member controller; run juju enable-ha afterwards.`);
    }
    const others = machines.filter((m) => m.id !== machineId);
    if (others.length > 0) notes.push(`Machines a restore re-points: ${others.map((m) => `${m.id} (${m.addresses[0] ?? 'no address'})`).join(', ')}.`);
    if (remoteHosts(conf.apiAddresses).length === 0 && !machines.some((m) => m.id === machineId && m.addresses.length > 0)) {
      notes.push('The controller\'s own address is not recorded (only loopback addresses): a restore needs the oldAddress option.');
    }
    return { notes };
  } finally {
    await removeStaging(shell, staging, ctx.log);
  }
}

async function checkSpace(ctx: BackupContext, shell: HostShell, staging: string): Promise<void> {
  const r = await shell.test(
    `du -sk /var/lib/juju/db /var/snap/juju-db/common/db /var/lib/juju/tools 2>/dev/null | awk '{s+=$1} END {print s+0}'; df -Pk ${q(staging)} | awk 'NR==2 {print $4}'`,
  );
  const [needK, freeK] = r.stdout.trim().split('\n').map(Number);
  if (!needK || freeK === undefined || Number.isNaN(freeK)) {
    ctx.log.info('The database size is not known here; the free space in the staging folder was not checked.');
    return;
  }
  // The dump is at most about the size of the data files; a tenth more for root.tar and slack.
  if (freeK < needK * 1.1) {
    throw new AppError('io', `Not enough room to stage the backup on ${shell.host.host}: ${Math.round(freeK / 1024)} MiB free in ${staging}, about ${Math.round((needK * 1.1) / 1024)} MiB needed (database and tools). Free some space or set the target's "stagingDir" option to a bigger disk.`);
  }
}

async function readBson(shell: HostShell, path: string): Promise<ReturnType<typeof readBsonFile>> {
  const exists = await shell.test(`test -f ${q(path)}`);
  if (exists.code !== 0) return [];
  return readBsonFile(await shell.readFile(path, `Reading ${path}`));
}

async function readMachines(shell: HostShell, jujuDir: string): Promise<JujuMachine[]> {
  return machinesOf(await readBson(shell, `${jujuDir}/machines.bson`));
}
