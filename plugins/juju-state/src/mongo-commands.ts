/**
 * The MongoDB tool command lines of a restore. The password is never on them: it is in a
 * 0600 YAML file named by `--config`, which the tools read (mongodump/mongorestore 4.2+).
 */
import { q } from './host-shell.js';

export interface MongoLogin {
  readonly tag: string;
  readonly port: number;
  /** The 0600 file holding `password: ...`. */
  readonly configFile: string;
}

function common(login: MongoLogin): string {
  return `--ssl --sslAllowInvalidCertificates --authenticationDatabase admin --host ${q(`127.0.0.1:${login.port}`)} --username ${q(login.tag)} --config ${q(login.configFile)}`;
}

/** Loads the dump, dropping each collection first; the logs database is left out, as Juju does. */
export function mongorestoreCommand(tool: string, login: MongoLogin, dumpDir: string): string {
  return `${q(tool)} ${common(login)} --drop --oplogReplay --nsExclude ${q('logs.*')} ${q(dumpDir)}`;
}

/**
 * Makes the replica set one member, the new controller, as Juju's restore does: rs.initiate
 * on a set never initiated (a fresh juju-db), else a forced rs.reconfig. The legacy mongo
 * shell takes no password file, so the script, db.auth first, goes on stdin.
 */
export function replicaSetCommand(tool: string, login: MongoLogin, password: string, member: string, initiated: boolean): { command: string; input: string } {
  const config = JSON.stringify({ _id: 'juju', version: 1, members: [{ _id: 1, host: member }] });
  return {
    command: mongoShell(tool, login),
    input: `${auth(login, password)}\n${initiated ? `rs.reconfig(${config}, {force: true})` : `rs.initiate(${config})`}\n`,
  };
}

/** Asks whether the set was initiated; the answer holds NotYetInitialized when not. */
export function replicaSetStatusCommand(tool: string, login: MongoLogin, password: string): { command: string; input: string } {
  return { command: mongoShell(tool, login), input: `${auth(login, password)}\nrs.status()\n` };
}

function mongoShell(tool: string, login: MongoLogin): string {
  return `${q(tool)} --quiet --ssl --sslAllowInvalidCertificates --host ${q(`127.0.0.1:${login.port}`)} admin`;
}

function auth(login: MongoLogin, password: string): string {
  return `db.getSiblingDB("admin").auth(${JSON.stringify(login.tag)}, ${JSON.stringify(password)})`;
}
