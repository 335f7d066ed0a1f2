/**
 * A Juju controller restore onto a new host (the target's SSH host), after a preflight that
 * changes nothing: the old controller must be down, the new host reachable, the archive's
 * tools of the backup's version. Then: stop the agent and juju-db, put root.tar's files in
 * place, load the dump, make the replica set one member at the new address, point the
 * controller's agent.conf at it, start juju-db and the agent, and re-point every other machine.
 */
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { stringify } from 'yaml';
import type { RestoreContext, RestoreResult } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage, isAppError } from '../../../src-main/shared/app-error.js';
import { joinHostPort, parseAgentConf, rewriteAgentConf } from './agent-conf.js';
import { archiveFacts } from './archive-facts.js';
import { agentConfPath } from './find-agent.js';
import { findCommand, GNU_TAR, hostShell, q, type HostShell } from './host-shell.js';
import { readOptions, type JujuOptions } from './juju-options.js';
import { mongorestoreCommand, replicaSetCommand, replicaSetStatusCommand } from './mongo-commands.js';
import { answeringPorts } from './port-check.js';
import { machinesError, repointMachines } from './repoint-machines.js';
import { OLD_CONTROLLER_PORTS, restoreLayout, type RestoreLayout } from './restore-layout.js';
import { makeStaging, removeStaging } from './staging.js';

const stampOf = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Every refusal of the preflight; nothing is changed by it. */
export async function preflight(ctx: RestoreContext, opts: JujuOptions, layout: RestoreLayout): Promise<HostShell> {
  const open = await answeringPorts(layout.oldHost, OLD_CONTROLLER_PORTS);
  if (open.length > 0) {
    throw new AppError(
      'declined',
      `The old controller ${layout.oldHost} (from ${layout.oldHostFrom}) still answers on port ${open.join(', ')}. Restoring while a controller works cripples the environment, so nothing was changed. If the old controller is really gone and its address was reused, set the target's "oldAddress" option to the address to check; otherwise stop it first (or use it: this restore is for a lost controller).${layout.haNote ? ` ${layout.haNote}` : ''}`,
    );
  }
  if (layout.haNote) ctx.log.warn(layout.haNote);
  if (!layout.tools.ok) throw new AppError('plugin', layout.tools.problem);
  let shell: HostShell;
  try {
    shell = hostShell(await ctx.ssh(), opts.sudo);
    await shell.run('true', 'Checking the new host');
  } catch (e) {
    throw new AppError('unreachable', `The new controller host ${opts.ssh.host} cannot be used: ${errorMessage(e)} Nothing was changed.`, { cause: e });
  }
  const other = await otherAgent(shell, layout.facts);
  if (other) {
    throw new AppError('declined', `${shell.host.host} is not a fresh host: it holds ${other}. Restoring would overwrite it, so nothing was changed. Restore onto a fresh host (or one a previous restore of this backup left).`);
  }
  return shell;
}

/**
 * Another Juju agent on the host, said in words: an agent of another controller, or another
 * machine of this one (e.g. machine 1, still at work). A previous restore of this very
 * controller agent is not one: retrying is allowed.
 */
export async function otherAgent(shell: HostShell, facts: { readonly tag: string; readonly controllerUuid: string }): Promise<string | undefined> {
  const r = await shell.test("for f in /var/lib/juju/agents/*/agent.conf; do [ -f \"$f\" ] || continue; printf '%s ' \"$(basename \"$(dirname \"$f\")\")\"; sed -n 's/^controller:[[:space:]]*//p' \"$f\" | head -n 1; done; true");
  for (const line of r.stdout.split('\n')) {
    const [tag, controller = ''] = line.trim().split(/\s+/);
    if (!tag) continue;
    const uuid = controller.replace(/^controller-/, '');
    if (uuid && uuid !== facts.controllerUuid) return `the agent ${tag} of another Juju controller (${uuid}); the backup is of controller ${facts.controllerUuid}`;
    if (tag !== facts.tag) return `the agent ${tag} of this controller's model, a machine at work`;
  }
  return undefined;
}

export async function restoreController(ctx: RestoreContext): Promise<RestoreResult> {
  const opts = readOptions(ctx.target.options);
  const facts = await archiveFacts(ctx.archive);
  const layout = restoreLayout(opts, facts);
  ctx.progress.report({ kind: 'phase', phase: 'preflight' });
  const shell = await preflight(ctx, opts, layout);
  const mongorestore = await findCommand(shell, 'mongorestore', opts.mongorestore);
  const mongo = await findCommand(shell, 'mongo', opts.mongo);
  const question = `Restore the Juju controller ${facts.tag} (Juju ${facts.version}, model ${facts.modelUuid}) onto ${shell.host.host} as ${layout.newAddress}, replacing its Juju files and database, and re-point ${layout.machines.length} machine(s) (${layout.machines.map((m) => m.id).join(', ') || 'none'}) to it?`;
  if (!(await ctx.confirm(question))) throw new AppError('declined', 'Restore declined: nothing was changed.');

  const t0 = Date.now();
  const stamp = stampOf(new Date());
  const agent = `jujud-${facts.tag}`;
  const staging = await makeStaging(shell, opts.stagingDir, ctx.signal);
  try {
    ctx.progress.report({ kind: 'phase', phase: 'copying the backup to the new host' });
    await shell.host.tarExtract(staging, backupTar(ctx), { sudo: opts.sudo, signal: ctx.signal });
    ctx.progress.report({ kind: 'phase', phase: `stopping ${agent} and juju-db` });
    for (const unit of [agent, 'juju-db']) {
      const r = await shell.test(`systemctl stop ${q(unit)}`);
      if (r.code !== 0) ctx.log.warn(`systemctl stop ${unit} on ${shell.host.host}: ${r.stderr.trim() || `exit ${r.code}`} (going on: it may not exist on a fresh host).`);
    }
    ctx.progress.report({ kind: 'phase', phase: 'putting the agent files in place (root.tar)' });
    await shell.run(`${GNU_TAR}; "$TAR" -C / --same-owner -xpf ${q(`${staging}/juju-backup/root.tar`)}`, 'Extracting root.tar at /');
    const confPath = agentConfPath(facts.tag);
    const conf = parseAgentConf((await shell.readFile(confPath, `Reading the restored ${confPath}`)).toString('utf8'), `the restored ${confPath}`);
    if (!conf.statePassword) throw new AppError('plugin', `The restored ${confPath} has no statepassword, so the database cannot be loaded.`);

    await shell.run('systemctl start juju-db', 'Starting juju-db');
    const login = { tag: conf.tag, port: conf.statePort, configFile: `${staging}/mongo.conf` };
    await shell.writeSecretFile(login.configFile, stringify({ password: conf.statePassword }), 'Writing the MongoDB tools\' configuration');
    try {
      // A member that is not primary takes no writes: the set is made first, then loaded.
      ctx.progress.report({ kind: 'phase', phase: 're-initiating the replica set' });
      const status = replicaSetStatusCommand(mongo, login, conf.statePassword);
      // juju-db may take a moment to listen after its start.
      let answer = await shell.test(status.command, { input: status.input });
      for (let i = 0; i < 30 && /could not connect|connection refused/i.test(`${answer.stdout}${answer.stderr}`); i++) {
        await sleep(1000, undefined, { signal: ctx.signal });
        answer = await shell.test(status.command, { input: status.input });
      }
      const initiated = !/NotYetInitialized|no replset config/i.test(`${answer.stdout}${answer.stderr}`);
      const rs = replicaSetCommand(mongo, login, conf.statePassword, joinHostPort(layout.newAddress, conf.statePort), initiated);
      await shell.run(rs.command, 'Re-initiating the replica set', { input: rs.input });
      ctx.progress.report({ kind: 'phase', phase: 'loading the database (mongorestore)' });
      await shell.run(mongorestoreCommand(mongorestore, login, `${staging}/juju-backup/dump`), 'mongorestore', { signal: ctx.signal });
    } finally {
      await shell.run(`rm -f ${q(login.configFile)}`, 'Removing the MongoDB tools\' configuration').catch(() => undefined);
    }

    ctx.progress.report({ kind: 'phase', phase: `pointing ${facts.tag} at ${layout.newAddress}` });
    const text = (await shell.readFile(confPath, `Reading ${confPath}`)).toString('utf8');
    await shell.run(`cp -p ${q(confPath)} ${q(`${confPath}.lifeboat-${stamp}`)} && cat > ${q(confPath)}`, `Writing ${confPath}`, { input: rewriteAgentConf(text, layout.newAddress, confPath) });
    ctx.progress.report({ kind: 'phase', phase: `starting juju-db and ${agent}` });
    // A new host has no unit for the agent yet: root.tar brought Juju's own unit file under init/.
    const unitFile = `/var/lib/juju/init/${agent}/${agent}.service`;
    await shell.run(`if [ ! -e /etc/systemd/system/${agent}.service ] && [ -f ${q(unitFile)} ]; then systemctl link ${q(unitFile)} && systemctl enable ${q(agent)}; fi`, `Installing the ${agent} unit`);
    await shell.run('systemctl restart juju-db', 'Restarting juju-db');
    await shell.run(`systemctl start ${q(agent)}`, `Starting ${agent}`);
  } catch (e) {
    // The other machines were not touched yet; the new host may be half made, and a retry onto it is allowed.
    throw new AppError(
      isAppError(e) ? e.code : 'plugin',
      `${errorMessage(e)} The restore stopped on the new host ${shell.host.host}, which may be partly restored; the other machines were not touched. Fix the cause and restore again onto the same host.`,
      { cause: e },
    );
  } finally {
    await removeStaging(shell, staging, ctx.log);
  }
  const downtimeSeconds = (Date.now() - t0) / 1000;
  const reports = await repointMachines(ctx, opts, layout.machines, layout.newAddress, stamp);
  const notes = [
    `The controller ${facts.tag} runs on ${shell.host.host} (${layout.newAddress}) with the backup's files and database (Juju ${facts.version}).`,
    ...reports.map((r) => `Machine ${r.id}${r.host ? ` (${r.host})` : ''}: ${r.outcome}: ${r.detail}`),
    ...(layout.haNote ? [layout.haNote] : []),
    'Clients: update the controller\'s address in ~/.local/share/juju/controllers.yaml (api-endpoints) or run juju login against the new address.',
  ];
  const failure = machinesError(reports, layout.newAddress);
  if (failure) throw failure;
  return { downtimeSeconds, notes };
}

/** The archive's `juju-backup/...` entries as a tar (names kept), for tar -x in the staging folder. */
function backupTar(ctx: RestoreContext): Readable {
  const p = pack();
  void (async () => {
    for await (const e of ctx.archive.entries({ paths: ['juju-backup'] })) {
      const header = { name: e.path, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
      if (e.type === 'file' && e.body) await pipeline(e.body, p.entry({ ...header, type: 'file', size: e.size }));
      else if (e.type === 'directory') p.entry({ ...header, type: 'directory' });
      else if (e.type === 'symlink') p.entry({ ...header, type: 'symlink', linkname: e.linkname ?? '' });
      else e.body?.resume();
    }
    p.finalize();
  })().catch((e: unknown) => p.destroy(e as Error));
  return p as unknown as Readable;
}
